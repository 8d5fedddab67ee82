/**
 * Turns anything thrown while serving a request into a JSON response: the error envelope for
 * errors, an empty 304 for `NotModified`, and 500 errno 999 (logged, never shown) for bugs.
 *
 * @module
 */
import type { Context } from 'hono';
import { ERRNO, HttpError } from '../errors/index.js';
import { NotModified } from '../protocol/preconditions.js';

export type ErrorLogger = (error: unknown, request: Request) => void;

const RETRY_AFTER_SECONDS = '30';

export function errorResponse(error: unknown, c: Context, log: ErrorLogger): Response {
  if (error instanceof NotModified) {
    return c.body(null, 304, {
      ETag: `"${error.timestamp}"`,
      'Last-Modified': new Date(error.timestamp).toUTCString(),
    });
  }
  const known = error instanceof HttpError ? error : internalError(error, c, log);
  const headers: Record<string, string> = { ...known.headers };
  if (known.code >= 500) headers['Retry-After'] = RETRY_AFTER_SECONDS;
  return c.json(known.toJSON(), known.code as 400, headers);
}

function internalError(error: unknown, c: Context, log: ErrorLogger): HttpError {
  log(error, c.req.raw);
  return new HttpError({
    code: 500,
    errno: ERRNO.UNDEFINED,
    message: 'A programmatic error occured, developers have been informed.',
    info: 'https://github.com/pawl-dev/pawl/issues/',
  });
}
