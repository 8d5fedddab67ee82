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

export type CorsOrigins = '*' | string[];

function allowedOrigin(origins: CorsOrigins, origin: string | undefined): string | null {
  if (origins === '*') return '*';
  return origin && origins.includes(origin) ? origin : null;
}

/**
 * The CORS headers of a (non-preflight) answer to a request whose `Origin` header is `origin`.
 * `Vary` is to be appended to any the answer has.
 */
export function corsHeaders(
  origins: CorsOrigins,
  origin: string | undefined,
  expose: ExposedHeaders,
): Record<string, string> {
  const headers: Record<string, string> = {};
  // The answer depends on the origin whenever origins are listed, even when this one is refused.
  if (origins !== '*') headers.Vary = 'Origin';
  const allowed = allowedOrigin(origins, origin);
  if (!allowed) return headers;
  headers['Access-Control-Allow-Origin'] = allowed;
  headers['Access-Control-Expose-Headers'] = EXPOSED[expose];
  return headers;
}

export function cors(origins: CorsOrigins): MiddlewareHandler {
  return async function applyCors(c, next) {
    const origin = c.req.header('Origin');
    if (c.req.method === 'OPTIONS' && c.req.header('Access-Control-Request-Method')) {
      const allowed = allowedOrigin(origins, origin);
      const headers: Record<string, string> = {
        'Access-Control-Allow-Methods': ALLOWED_METHODS,
        'Access-Control-Allow-Headers':
          c.req.header('Access-Control-Request-Headers') ?? ALLOWED_HEADERS,
        'Access-Control-Max-Age': '3600',
      };
      if (allowed) headers['Access-Control-Allow-Origin'] = allowed;
      if (origins !== '*') headers.Vary = 'Origin';
      return c.body(null, 200, headers);
    }
    await next();
    const expose = (c.get(EXPOSE_KEY as never) as ExposedHeaders | undefined) ?? 'write';
    for (const [name, value] of Object.entries(corsHeaders(origins, origin, expose))) {
      if (name === 'Vary') c.res.headers.append(name, value);
      else c.res.headers.set(name, value);
    }
  };
}
