/**
 * The operator's controls, applied to every response: read-only mode (writes answer 405
 * errno 115), `Backoff` on successful responses, and end of support (`Alert` header before
 * the date, 410 errno 202 from it on).
 *
 * @module
 */
import type { MiddlewareHandler } from 'hono';
import { ERRNO, HttpError } from '../errors/index.js';
import type { Settings } from './settings.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * @param isBatch tells the batch endpoint apart: in read-only mode its reads still run and each
 * write inside it is refused on its own.
 */
export function operatorControls(
  settings: Settings,
  isBatch: (path: string) => boolean,
): MiddlewareHandler {
  return async function applyOperatorControls(c, next) {
    const alert = endOfSupportAlert(settings);
    if (alert?.code === 'hard-eol') {
      throw new HttpError({
        code: 410,
        errno: ERRNO.SERVICE_DEPRECATED,
        message: alert.message,
        info: alert.url,
        headers: { Alert: JSON.stringify(alert) },
      });
    }
    if (settings.readonly && WRITES.has(c.req.method) && !isBatch(c.req.path)) {
      throw new HttpError({
        code: 405,
        errno: ERRNO.METHOD_NOT_ALLOWED,
        message: 'The service is in read-only mode: writes are not allowed.',
      });
    }
    await next();
    if (alert) c.res.headers.set('Alert', JSON.stringify(alert));
    if (settings.backoff !== null && c.res.status >= 200 && c.res.status < 400) {
      c.res.headers.set('Backoff', String(settings.backoff));
    }
  };
}

interface Alert {
  code: 'soft-eol' | 'hard-eol';
  message: string;
  url?: string;
}

function endOfSupportAlert(settings: Settings): Alert | null {
  if (!settings.eos) return null;
  const ended = new Date().toISOString().slice(0, 10) >= settings.eos;
  const alert: Alert = {
    code: ended ? 'hard-eol' : 'soft-eol',
    message:
      settings.eosMessage ??
      (ended
        ? 'Service has been decommissioned'
        : `Service will be decommissioned on ${settings.eos}`),
  };
  if (settings.eosUrl) alert.url = settings.eosUrl;
  return alert;
}
