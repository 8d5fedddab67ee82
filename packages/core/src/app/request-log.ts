/**
 * One structured log line per request: method, path (without the query string), status,
 * duration, user id and errno. Headers, bodies and query strings are never logged, so
 * credentials cannot leak into logs.
 *
 * @module
 */

/** The part of a logger Pawl uses; a pino logger fits as it is. */
export interface RequestLogger {
  info(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

/** Context variables the endpoints fill for the log line. */
export const LOG_USER_KEY = 'pawlUserId';
export const LOG_ERRNO_KEY = 'pawlErrno';

/** What one log line tells of a request. */
export interface RequestSummary {
  method: string;
  /** Without the query string. */
  path: string;
  code: number;
  /** When serving it started (`performance.now()`). */
  started: number;
  uid: string | null;
  errno: number | null;
}

export function logRequestSummary(logger: RequestLogger, summary: RequestSummary): void {
  const { method, path, code, started, uid, errno } = summary;
  const t = Math.round((performance.now() - started) * 100) / 100;
  logger.info({ method, path, code, t, uid, errno }, 'request.summary');
}
