/**
 * Opening the database file: the structural driver types the package relies on (satisfied by
 * better-sqlite3, the only module that imports it) and the pragmas every connection gets.
 *
 * @module
 */

import Database from 'better-sqlite3';

/** A prepared statement, as far as Pawl uses one. Parameters are positional. */
export interface SqliteStatement {
  readonly reader: boolean;
  all(...parameters: unknown[]): unknown[];
  get(...parameters: unknown[]): unknown;
  run(...parameters: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(...parameters: unknown[]): IterableIterator<unknown>;
}

/** A synchronous SQLite connection (the shape of a better-sqlite3 `Database`). */
export interface SqliteDatabase {
  readonly inTransaction: boolean;
  prepare(sql: string): SqliteStatement;
  exec(sql: string): unknown;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  close(): unknown;
}

export interface OpenOptions {
  /** How long a statement waits for another connection's write lock, in milliseconds. */
  readonly busyTimeout?: number;
}

/** The default `busy_timeout`: long enough to ride out another process's write transaction. */
export const DEFAULT_BUSY_TIMEOUT = 5000;

/** Whether `path` names an in-memory or temporary database rather than a file. */
export function isFileDatabase(path: string): boolean {
  return path !== '' && path !== ':memory:';
}

/**
 * Opens (creating it if needed) the database at `path` and sets its pragmas:
 * - `journal_mode = WAL`: readers never block the writer nor the writer the readers, and a
 *   commit appends to the write-ahead log instead of rewriting pages in place;
 * - `synchronous = FULL`: each commit syncs the log to disk before it returns, so a write that
 *   was acknowledged survives a crash of the process or of the machine (`NORMAL` would only
 *   survive the process);
 * - `busy_timeout`: a connection waits for another one's lock instead of failing at once;
 * - `foreign_keys = ON`.
 */
export function openDatabase(path: string, options: OpenOptions = {}): SqliteDatabase {
  const busyTimeout = options.busyTimeout ?? DEFAULT_BUSY_TIMEOUT;
  if (!Number.isSafeInteger(busyTimeout) || busyTimeout < 0) {
    throw new RangeError('busyTimeout must be a non-negative integer of milliseconds');
  }
  const database: SqliteDatabase = new Database(path);
  try {
    // First, so that switching a new file to WAL waits for another process doing the same.
    database.pragma(`busy_timeout = ${busyTimeout}`);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = FULL');
    database.pragma('foreign_keys = ON');
  } catch (error) {
    database.close();
    throw error;
  }
  return database;
}
