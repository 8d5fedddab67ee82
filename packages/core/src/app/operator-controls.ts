/**
 * The operator's controls, applied to every response: read-only mode (writes answer 405
 * errno 115), `Backoff` on successful responses, and end of support (`Alert` header before
 * the date, 410 errno 202 from it on).
 *
 * @module
 */
import { ERRNO, HttpError } from '../errors/index.js';
import type { Settings } from './settings.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Refuses the request when the service has ended (410) or is read-only and this is a write
 * (405); otherwise returns what `operatorHeaders` needs once it is answered.
 *
 * @param batch whether this is the batch endpoint: in read-only mode its reads still run and
 * each write inside it is refused on its own.
 */
export function checkOperatorControls(
  settings: Settings,
  method: string,
  batch: boolean,
): Alert | null {
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
  if (settings.readonly && WRITES.has(method) && !batch) {
    throw new HttpError({
      code: 405,
      errno: ERRNO.METHOD_NOT_ALLOWED,
      message: 'The service is in read-only mode: writes are not allowed.',
    });
  }
  return alert;
}

/** The operator's headers of an answer with `status`: `Alert`, and `Backoff` on successes. */
export function operatorHeaders(
  settings: Settings,
  alert: Alert | null,
  status: number,
): Record<string, string> {
  const headers: Record<string, string> = {};
  if (alert) headers.Alert = JSON.stringify(alert);
  if (settings.backoff !== null && status >= 200 && status < 400) {
    headers.Backoff = String(settings.backoff);
  }
  return headers;
}

export interface Alert {
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
