/**
 * Turns anything thrown while serving a request into a JSON response: the error envelope for
 * errors, and 500 errno 999 (logged, never shown) for bugs.
 *
 * @module
 */
import type { Context } from 'hono';
import { BackendError, backendUnavailable, ERRNO, HttpError } from '../errors/index.js';
import { LOG_ERRNO_KEY } from './request-log.js';

export type ErrorLogger = (error: unknown, request: Request) => void;

export function errorResponse(
  error: unknown,
  c: Context,
  log: ErrorLogger,
  retryAfterSeconds: number,
): Response {
  const known = error instanceof HttpError ? error : unexpected(error, c, log);
  const headers: Record<string, string> = { ...known.headers };
  if (known.code >= 500) headers['Retry-After'] = String(retryAfterSeconds);
  c.set(LOG_ERRNO_KEY as never, known.errno as never);
  return c.json(known.toJSON(), known.code as 400, headers);
}

function unexpected(error: unknown, c: Context, log: ErrorLogger): HttpError {
  log(error, c.req.raw);
  if (error instanceof BackendError) return backendUnavailable();
  return new HttpError({
    code: 500,
    errno: ERRNO.UNDEFINED,
    message: 'A programmatic error occured, developers have been informed.',
  });
}
