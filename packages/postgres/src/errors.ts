/**
 * Which failures of PostgreSQL become `BackendError` (503 with `Retry-After`): the server is
 * unreachable, shutting down, out of resources, or gave up on a lock or a deadlock. Anything
 * else the server reports (a constraint, a bad value) stays what it is.
 *
 * @module
 */

import { BackendError } from '@pawl/core';
import { DatabaseError } from 'pg';

/**
 * SQLSTATE classes and codes of a server that cannot serve now: 08 connection, 40 rollback
 * (deadlock, serialization), 53 resources, 57 operator intervention (shutdown, statement
 * timeout), 58 system; 55P03 lock timeout; 25P03 idle transaction timeout.
 */
const UNAVAILABLE = /^(08|40|53|57|58)|^55P03$|^25P03$/;

const UNDEFINED_TABLE = '42P01';

/** The error to throw for `error`, raised by the driver. */
export function backendFailure(error: unknown): unknown {
  if (error instanceof BackendError) return error;
  if (error instanceof DatabaseError) {
    if (error.code === UNDEFINED_TABLE) {
      return new Error(
        `${error.message}: the Pawl schema is missing; run \`pawl-postgres migrate\` or pass migrateOnStart: true`,
        { cause: error },
      );
    }
    if (!error.code || !UNAVAILABLE.test(error.code)) return error;
  }
  // Not reported by the server: the connection failed, timed out or was closed.
  const message = error instanceof Error ? error.message : String(error);
  return new BackendError(`PostgreSQL is unavailable: ${message}`, { cause: error });
}

/** Awaits `promise`, turning the driver's failures into `backendFailure`s. */
export async function guard<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    throw backendFailure(error);
  }
}
