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

/** An error as the app answers it: the error envelope, its status, headers and errno. */
export interface ErrorAnswer {
  status: number;
  body: object;
  headers: Record<string, string>;
  errno: number;
}

export function errorAnswer(
  error: unknown,
  request: Request,
  log: ErrorLogger,
  retryAfterSeconds: number,
): ErrorAnswer {
  const known = error instanceof HttpError ? error : unexpected(error, request, log);
  const headers: Record<string, string> = { ...known.headers };
  if (known.code >= 500) headers['Retry-After'] = String(retryAfterSeconds);
  return { status: known.code, body: known.toJSON(), headers, errno: known.errno };
}

export function errorResponse(
  error: unknown,
  c: Context,
  log: ErrorLogger,
  retryAfterSeconds: number,
): Response {
  const answer = errorAnswer(error, c.req.raw, log, retryAfterSeconds);
  c.set(LOG_ERRNO_KEY as never, answer.errno as never);
  return c.json(answer.body, answer.status as 400, answer.headers);
}

function unexpected(error: unknown, request: Request, log: ErrorLogger): HttpError {
  log(error, request);
  if (error instanceof BackendError) return backendUnavailable();
  return new HttpError({
    code: 500,
    errno: ERRNO.UNDEFINED,
    message: 'A programmatic error occured, developers have been informed.',
  });
}
