/**
 * Redis failures as Pawl sees them: a server that cannot answer (unreachable, timed out,
 * loading, read-only, out of memory) is a `BackendError` (503 with `Retry-After`); an error
 * in what was asked (incrementing a value that is not an integer) stays what it is.
 *
 * @module
 */

import { BackendError } from '@pawl/core';

/** Error replies of a server that cannot serve now. */
const UNAVAILABLE = /^(LOADING|READONLY|OOM|MASTERDOWN|BUSY|TRYAGAIN|CLUSTERDOWN)\b/;

/** The error to throw for `error`, raised by the client. */
export function backendFailure(error: unknown): unknown {
  const message = error instanceof Error ? error.message : String(error);
  const replied = error instanceof Error && error.name === 'ReplyError';
  if (replied && !UNAVAILABLE.test(message)) return error;
  return new BackendError(`Redis is unavailable: ${message}`, { cause: error });
}

/** Awaits `promise`, turning the client's failures into `backendFailure`s. */
export async function guard<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    throw backendFailure(error);
  }
}

/** `promise`'s value, or `fallback` when it rejects or takes longer than `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  try {
    return await Promise.race([promise.catch(() => fallback), late]);
  } finally {
    clearTimeout(timer);
  }
}
