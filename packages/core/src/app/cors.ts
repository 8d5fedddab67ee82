/**
 * CORS: every response names the allowed origin and the headers a browser client may read;
 * preflight requests are answered directly (see `request-layers.ts`).
 *
 * @module
 */
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

/** The answer to a preflight request (`OPTIONS` with `Access-Control-Request-Method`). */
export function preflightHeaders(
  origins: CorsOrigins,
  origin: string | undefined,
  requestedHeaders: string | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {
    'Access-Control-Allow-Methods': ALLOWED_METHODS,
    'Access-Control-Allow-Headers': requestedHeaders ?? ALLOWED_HEADERS,
    'Access-Control-Max-Age': '3600',
  };
  const allowed = allowedOrigin(origins, origin);
  if (allowed) headers['Access-Control-Allow-Origin'] = allowed;
  if (origins !== '*') headers.Vary = 'Origin';
  return headers;
}
