/**
 * The one error type the protocol raises. Every error response Pawl sends is built from it,
 * in the envelope `{ code, errno, error, message, info?, details? }`.
 *
 * @module
 */
import { ERRNO, type Errno } from './errno.js';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** One entry of `details` for validation errors. */
export interface ErrorDetail {
  location: 'body' | 'querystring' | 'header' | 'path';
  name: string;
  description: string;
}

export interface HttpErrorInit {
  code: number;
  errno: Errno;
  message: string;
  details?: unknown;
  info?: string;
  headers?: Record<string, string>;
}

/** The JSON body of an error response. */
export interface ErrorBody {
  code: number;
  errno: number;
  error: string;
  message: string;
  info?: string;
  details?: unknown;
}

export class HttpError extends Error {
  readonly code: number;
  readonly errno: Errno;
  readonly details: unknown;
  readonly info: string | undefined;
  readonly headers: Record<string, string>;

  constructor(init: HttpErrorInit) {
    super(init.message);
    this.name = 'HttpError';
    this.code = init.code;
    this.errno = init.errno;
    this.details = init.details;
    this.info = init.info;
    this.headers = init.headers ?? {};
  }

  toJSON(): ErrorBody {
    const body: ErrorBody = {
      code: this.code,
      errno: this.errno,
      error: REASONS[this.code] ?? 'Error',
      message: this.message,
    };
    if (this.info !== undefined) body.info = this.info;
    if (this.details !== undefined) body.details = this.details;
    return body;
  }
}

/** 400 with `details` listing each invalid input; the first one is the message. */
export function invalidInput(errno: Errno, details: ErrorDetail[], message?: string): HttpError {
  const first = details[0];
  const summary = first
    ? `${first.name} in ${first.location}: ${first.description}`
    : 'Invalid input';
  return new HttpError({ code: 400, errno, message: message ?? summary, details });
}

/** 400 errno 107: a query string parameter, header or path segment is invalid. */
export function invalidParameter(
  location: ErrorDetail['location'],
  name: string,
  description: string,
): HttpError {
  return invalidInput(ERRNO.INVALID_PARAMETERS, [{ location, name, description }]);
}

/** 400 errno 109: the posted data is invalid. */
export function invalidPostedData(details: ErrorDetail[]): HttpError {
  return invalidInput(ERRNO.INVALID_POSTED_DATA, details);
}

export function recordNotFound(resource: string, id: string): HttpError {
  return new HttpError({
    code: 404,
    errno: ERRNO.INVALID_RESOURCE_ID,
    message: 'The resource you are looking for could not be found.',
    details: { id, resource_name: resource },
  });
}

export function pathNotFound(): HttpError {
  return new HttpError({
    code: 404,
    errno: ERRNO.MISSING_RESOURCE,
    message: 'The resource you are looking for could not be found.',
  });
}

export function methodNotAllowed(message = 'Method not allowed on this endpoint.'): HttpError {
  return new HttpError({ code: 405, errno: ERRNO.METHOD_NOT_ALLOWED, message });
}

/** 412 errno 114; `existing` is the record as stored now, when there is one. */
export function modifiedMeanwhile(timestamp: number, existing?: unknown): HttpError {
  return new HttpError({
    code: 412,
    errno: ERRNO.MODIFIED_MEANWHILE,
    message: 'Resource was modified meanwhile',
    details: existing === undefined ? {} : { existing },
    headers: { ETag: `"${timestamp}"` },
  });
}

export function unauthorized(challenge: string): HttpError {
  return new HttpError({
    code: 401,
    errno: ERRNO.MISSING_AUTH_TOKEN,
    message: 'Please authenticate yourself to use this endpoint.',
    headers: { 'WWW-Authenticate': challenge },
  });
}

/**
 * Thrown by backends when their database or server fails (unreachable, timed out, full).
 * Pawl answers 503 errno 201 with `Retry-After`, instead of 500.
 */
export class BackendError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackendError';
  }
}

export function backendUnavailable(): HttpError {
  return new HttpError({
    code: 503,
    errno: ERRNO.BACKEND,
    message: 'Service temporarily unavailable due to high load or a backend failure.',
  });
}
