/**
 * What happens around every request the app routes, in one middleware: the request log, CORS
 * (preflight answers, and the headers of every other answer), the operator's controls and
 * the `Accept` check, in that order from the outside in. An error refused by one layer is
 * answered there, and the layers outside it still apply to the answer. The batch takes the
 * same steps around the sub-requests it answers directly (`direct-sub-requests.ts`).
 *
 * @module
 */
import type { Context, MiddlewareHandler, Next } from 'hono';
import type { ExposedHeaders } from '../endpoints/endpoint-context.js';
import { assertAcceptsJson } from '../protocol/content-negotiation.js';
import { corsHeaders, EXPOSE_KEY, preflightHeaders } from './cors.js';
import { type Alert, checkOperatorControls, operatorHeaders } from './operator-controls.js';
import {
  LOG_ERRNO_KEY,
  LOG_USER_KEY,
  logRequestSummary,
  type RequestLogger,
} from './request-log.js';
import type { Settings } from './settings.js';

export interface RequestLayersOptions {
  settings: Settings;
  /** Whether a path is the batch endpoint's (see `checkOperatorControls`). */
  isBatch: (path: string) => boolean;
  /** Default: no request log. */
  logger: RequestLogger | undefined;
  /** The app's error answer. */
  onError: (error: unknown, c: Context) => Response;
}

export function requestLayers(options: RequestLayersOptions): MiddlewareHandler {
  const { settings, isBatch, logger, onError } = options;
  const origins = settings.corsOrigins;

  /** The operator's controls and `Accept` around the routes. */
  async function controlled(c: Context, next: Next): Promise<void> {
    let alert: Alert | null;
    try {
      alert = checkOperatorControls(settings, c.req.method, isBatch(c.req.path));
    } catch (error) {
      c.res = onError(error, c);
      return;
    }
    try {
      assertAcceptsJson(c.req.raw.headers);
      await next();
    } catch (error) {
      c.res = onError(error, c);
    }
    after(c, () => {
      for (const [name, value] of Object.entries(operatorHeaders(settings, alert, c.res.status))) {
        c.res.headers.set(name, value);
      }
    });
  }

  /** A layer's work on the answer; if it throws (a response with immutable headers), its error is the answer. */
  function after(c: Context, work: () => void): void {
    try {
      work();
    } catch (error) {
      c.res = onError(error, c);
    }
  }

  return async function aroundRequest(c, next) {
    const started = performance.now();
    const origin = c.req.header('Origin');
    if (c.req.method === 'OPTIONS' && c.req.header('Access-Control-Request-Method')) {
      const requested = c.req.header('Access-Control-Request-Headers');
      c.res = c.body(null, 200, preflightHeaders(origins, origin, requested));
    } else {
      await controlled(c, next);
      const expose = (c.get(EXPOSE_KEY as never) as ExposedHeaders | undefined) ?? 'write';
      after(c, () => {
        for (const [name, value] of Object.entries(corsHeaders(origins, origin, expose))) {
          if (name === 'Vary') c.res.headers.append(name, value);
          else c.res.headers.set(name, value);
        }
      });
    }
    if (logger) {
      logRequestSummary(logger, {
        method: c.req.method,
        path: c.req.path,
        code: c.res.status,
        started,
        uid: (c.get(LOG_USER_KEY as never) as string | undefined) ?? null,
        errno: (c.get(LOG_ERRNO_KEY as never) as number | undefined) ?? null,
      });
    }
  };
}
