/**
 * CORS: every response names the allowed origin and the headers a browser client may read;
 * preflight requests are answered directly.
 *
 * @module
 */
import type { MiddlewareHandler } from 'hono';
import type { ExposedHeaders } from '../endpoints/endpoint-context.js';

const BASE = ['Backoff', 'Retry-After', 'Alert', 'Content-Length'];
const EXPOSED: Record<ExposedHeaders, string> = {
  write: BASE.join(', '),
  record: [...BASE, 'ETag', 'Last-Modified'].join(', '),
  list: [...BASE, 'ETag', 'Next-Page', 'Total-Records', 'Last-Modified'].join(', '),
};
const ALLOWED_HEADERS =
  'Authorization, Content-Type, If-Match, If-None-Match, Response-Behavior, X-Api-Key';
const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';

/** The context variable endpoints set to choose their exposed headers. */
export const EXPOSE_KEY = 'pawlExpose';

export function cors(origins: '*' | string[]): MiddlewareHandler {
  function allowedOrigin(origin: string | undefined): string | null {
    if (origins === '*') return '*';
    return origin && origins.includes(origin) ? origin : null;
  }
  return async function corsHeaders(c, next) {
    const origin = allowedOrigin(c.req.header('Origin'));
    if (c.req.method === 'OPTIONS' && c.req.header('Access-Control-Request-Method')) {
      const headers: Record<string, string> = {
        'Access-Control-Allow-Methods': ALLOWED_METHODS,
        'Access-Control-Allow-Headers':
          c.req.header('Access-Control-Request-Headers') ?? ALLOWED_HEADERS,
        'Access-Control-Max-Age': '3600',
      };
      if (origin) headers['Access-Control-Allow-Origin'] = origin;
      if (origins !== '*') headers.Vary = 'Origin';
      return c.body(null, 200, headers);
    }
    await next();
    // The answer depends on the origin whenever origins are listed, even when this one is refused.
    if (origins !== '*') c.res.headers.append('Vary', 'Origin');
    if (!origin) return;
    c.res.headers.set('Access-Control-Allow-Origin', origin);
    const expose = (c.get(EXPOSE_KEY as never) as ExposedHeaders | undefined) ?? 'write';
    c.res.headers.set('Access-Control-Expose-Headers', EXPOSED[expose]);
  };
}
