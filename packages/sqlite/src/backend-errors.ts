/**
 * SQLite failures that are the database's, not the request's (busy past the timeout, disk
 * full, I/O error, file gone or not a database), become `BackendError`s: clients get 503
 * errno 201 with `Retry-After` instead of 500.
 *
 * @module
 */
import { BackendError } from '@pawl/core';
import type { SqliteStatement } from './database.js';

const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|CORRUPT|NOTADB|PROTOCOL)/;

function translate(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && UNAVAILABLE.test(code)) {
    return new BackendError(`SQLite is unavailable (${code})`, { cause: error });
  }
  return error;
}

/**
 * The statement, with database failures turned into `BackendError`s. A `try` in each method
 * rather than a closure per call: the fixed statements of the backends run on every request.
 */
export function reportingFailures(statement: SqliteStatement): SqliteStatement {
  return {
    get reader() {
      return statement.reader;
    },
    all(...parameters) {
      try {
        return statement.all(...parameters);
      } catch (error) {
        throw translate(error);
      }
    },
    get(...parameters) {
      try {
        return statement.get(...parameters);
      } catch (error) {
        throw translate(error);
      }
    },
    run(...parameters) {
      try {
        return statement.run(...parameters);
      } catch (error) {
        throw translate(error);
      }
    },
    iterate(...parameters) {
      try {
        return statement.iterate(...parameters);
      } catch (error) {
        throw translate(error);
      }
    },
  };
}
