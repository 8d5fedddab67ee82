/**
 * The connection to a database file that a storage, a permission backend and a cache share
 * (see `sqlite()`), and how their calls take turns on it.
 *
 * One better-sqlite3 connection serves all three, behind the async mutex of kysely's SQLite
 * driver, which lends it to one caller at a time: a storage transaction holds it from
 * `BEGIN IMMEDIATE` to `COMMIT`, across every await of the request that runs it (see
 * `transaction.ts`). Every call (permission and cache calls, and the storage's statements:
 * fixed-shape ones such as a record by id, and lists and filtered counts, which kysely builds
 * and compiles) runs prepared statements synchronously on the same connection, so nothing can
 * slip in between them, and:
 *
 * - made from inside a storage transaction (core stores the permissions of a record in the
 *   transaction that writes the record, and a batch authenticates its sub-requests in its
 *   transaction), they run at once, inside it, a write in a savepoint: they commit or roll
 *   back with the record. Waiting for the mutex there would wait for the transaction itself,
 *   forever;
 * - made from anywhere else while no transaction is open and no call waits for the mutex,
 *   they run at once too, which is what taking the free mutex would give without its promise
 *   hops: a read sees only committed data, a write is a transaction of its own, from
 *   `BEGIN IMMEDIATE` to `COMMIT`, and being synchronous neither interleaves with anything;
 * - otherwise they take the mutex, in turn after the calls already waiting for it, so they
 *   wait for an open transaction to end. Run at once, a read would see another request's
 *   uncommitted writes, and a write would become part of that transaction and vanish if it
 *   rolled back, after its caller was told it succeeded.
 *
 * "Inside" is the async context of the transaction's work (an `AsyncLocalStorage` of this
 * connection), which every await of core carries along. It closes when the work settles, so a
 * callback the work left behind (a timer, an unawaited promise) waits like any other call.
 *
 * @module
 */

import { AsyncLocalStorage } from 'node:async_hooks';
import { accessSync, constants, type Stats, statSync } from 'node:fs';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { reportingFailures } from './backend-errors.js';
import {
  isFileDatabase,
  type OpenOptions,
  openDatabase,
  type SqliteDatabase,
  type SqliteStatement,
} from './database.js';
import { applyMigrations } from './schema/migrations.js';
import type { Schema } from './schema/tables.js';
import { cacheStatements } from './statement-cache.js';
import { immediateTransaction } from './transaction.js';

export interface QueryLog {
  readonly sql: string;
  readonly parameters: readonly unknown[];
  readonly durationMs: number;
  /** Set when the statement failed. */
  readonly error?: unknown;
}

export interface SqliteConnectionOptions extends OpenOptions {
  /** The database file, created when missing; `':memory:'` for a private in-memory database. */
  readonly path: string;
  /** Receives every statement run, with its parameters and duration (to find slow queries). */
  readonly log?: (query: QueryLog) => void;
}

/** One backend's use of the connection: the connection closes when every lease is closed. */
export interface Lease {
  readonly closed: boolean;
  /** Ends this lease (again: nothing); the last one to end closes the connection. */
  close(): Promise<void>;
}

/** A prepared statement, as the backends use one. */
export type Statement = Pick<SqliteStatement, 'all' | 'get' | 'run'>;

/** Runs synchronous statements on the connection when it is the caller's turn. */
export type Runner = <T>(work: () => T) => Promise<T>;

/** How a caller runs its synchronous statements on the connection. */
export interface Turns {
  /**
   * Runs statements: at once inside a transaction, or when none is open and no call waits
   * for the connection; else once it is the caller's turn.
   */
  readonly read: Runner;
  /** As `read`, for statements that write: inside a transaction, or in one of their own. */
  readonly write: Runner;
}

export interface Connection extends Turns {
  /** kysely on the connection, for the storage. */
  readonly database: Kysely<Schema>;
  /** Runs a schema statement (`CREATE INDEX ...`) at once; only while opening backends. */
  exec(statement: string): void;
  /**
   * A prepared statement, to run through `read` or `write`: reported to `log` like every
   * other, its database failures thrown as `BackendError`s (see `backend-errors.ts`).
   */
  prepare(source: string): Statement;
  /**
   * As `prepare`, for statements whose SQL varies with the call (lists, filtered counts): kept
   * by SQL text, least recently used out first, in the cache kysely's driver uses too.
   */
  cached(source: string): Statement;
  /**
   * Runs `work` in a `BEGIN IMMEDIATE` transaction holding the connection, in the context that
   * `read` and `write` recognise as inside it. `work` receives kysely on the connection, and
   * the turns of its synchronous statements: at once, in the transaction, while it runs
   * (whatever the async context of the call), as `read` and `write` once it has settled.
   */
  transaction<T>(work: (connection: Kysely<Schema>, turns: Turns) => Promise<T>): Promise<T>;
  /** As `read`, and atomically: in a savepoint inside a transaction, else in one of its own. */
  readonly write: Runner;
  /** Whether the file is still the one opened, and answers a query. Never throws. */
  heartbeat(): Promise<boolean>;
  lease(): Lease;
}

/** The error of a call on a closed backend. */
export function closedError(backend: string): Error {
  return new Error(`The SQLite ${backend} is closed`);
}

function logged(statement: Statement, source: string, log: (query: QueryLog) => void): Statement {
  function timed<T>(parameters: unknown[], run: () => T): T {
    const started = performance.now();
    try {
      const result = run();
      log({ sql: source, parameters, durationMs: performance.now() - started });
      return result;
    } catch (error) {
      log({ sql: source, parameters, durationMs: performance.now() - started, error });
      throw error;
    }
  }
  return {
    all: (...parameters) => timed(parameters, () => statement.all(...parameters)),
    get: (...parameters) => timed(parameters, () => statement.get(...parameters)),
    run: (...parameters) => timed(parameters, () => statement.run(...parameters)),
  };
}

/**
 * Opens the database at `options.path`, brings its schema up to date and hands the connection
 * to `open`, which builds backends on it: it stays open until every lease they take on it is
 * closed, or is closed at once when `open` throws.
 */
export function withConnection<T>(
  options: SqliteConnectionOptions,
  open: (connection: Connection) => T,
): T {
  const connection = openConnection(options);
  try {
    return open(connection);
  } catch (error) {
    connection.abandon();
    throw error;
  }
}

function openConnection(options: SqliteConnectionOptions): Connection & { abandon(): void } {
  const { path, log } = options;
  const raw: SqliteDatabase = openDatabase(path, options);
  try {
    applyMigrations(raw);
  } catch (error) {
    raw.close();
    throw error;
  }
  const statements = cacheStatements(raw);
  const database = new Kysely<Schema>({
    dialect: new SqliteDialect({ database: statements }),
    log: log
      ? (event) =>
          log({
            sql: event.query.sql,
            parameters: event.query.parameters,
            durationMs: event.queryDurationMillis,
            ...(event.level === 'error' ? { error: event.error } : {}),
          })
      : undefined,
  });
  // The file as opened: if it is deleted or replaced, this connection writes to a ghost.
  const opened: Stats | undefined = isFileDatabase(path) ? statSync(path) : undefined;
  const inside = new AsyncLocalStorage<{ open: boolean }>();
  let leases = 0;
  /** The calls of this connection waiting for kysely's mutex. */
  let waiting = 0;

  /** Runs `work` now: its result, or its error, as a promise. */
  function now<T>(work: () => T): Promise<T> {
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Runs `work` once it holds kysely's mutex, after the calls already waiting for it. */
  async function turn<T>(work: (connection: Kysely<Schema>) => Promise<T>): Promise<T> {
    waiting++;
    let started = false;
    try {
      return await database.connection().execute((connection) => {
        started = true;
        waiting--;
        return work(connection);
      });
    } finally {
      if (!started) waiting--;
    }
  }

  function exclusive<T>(work: () => T): Promise<T> {
    // A transaction is open from `BEGIN` until `COMMIT`, both run right after taking the mutex
    // and right before giving it back; a call waiting for the mutex may be a transaction about
    // to begin, or a read or write that must not be overtaken by a later call.
    if (inside.getStore()?.open || (waiting === 0 && !raw.inTransaction)) return now(work);
    return turn(async () => work());
  }

  function prepare(source: string): Statement {
    const statement = reportingFailures(raw.prepare(source));
    return log ? logged(statement, source, log) : statement;
  }

  function cached(source: string): Statement {
    const statement = statements.prepare(source);
    return log ? logged(statement, source, log) : statement;
  }

  const begin = prepare('BEGIN IMMEDIATE');
  const commit = prepare('COMMIT');
  const rollback = prepare('ROLLBACK');
  const savepoint = prepare('SAVEPOINT pawl_write');
  const release = prepare('RELEASE pawl_write');
  const rollbackToSavepoint = prepare('ROLLBACK TO pawl_write');

  function atomically<T>(work: () => T): T {
    const nested = raw.inTransaction;
    (nested ? savepoint : begin).run();
    try {
      const result = work();
      (nested ? release : commit).run();
      return result;
    } catch (error) {
      try {
        if (nested) {
          rollbackToSavepoint.run();
          release.run();
        } else if (raw.inTransaction) {
          rollback.run();
        }
      } catch {
        // The failure already ended the transaction (a full disk, for one); keep its error.
      }
      throw error;
    }
  }

  const read: Runner = exclusive;
  const write: Runner = (work) => exclusive(() => atomically(work));

  async function close(): Promise<void> {
    await database.destroy();
    // kysely opens its driver on the first query; closing before one leaves the file open.
    raw.close();
  }

  return {
    database,
    exec: (statement) => raw.exec(statement),
    prepare,
    cached,
    transaction: (work) =>
      turn((connection) =>
        immediateTransaction({ begin, commit, rollback }, () => {
          const scope = { open: true };
          const turns: Turns = {
            read: (statements) => (scope.open ? now(statements) : read(statements)),
            write: (statements) => (scope.open ? now(statements) : write(statements)),
          };
          return inside
            .run(scope, () => work(connection, turns))
            .finally(() => {
              scope.open = false;
            });
        }),
      ),
    read,
    write,

    async heartbeat() {
      try {
        if (opened) {
          const current = statSync(path);
          if (current.ino !== opened.ino || current.dev !== opened.dev) return false;
          accessSync(path, constants.R_OK | constants.W_OK);
        }
        await sql`SELECT count(*) FROM pawl_migrations`.execute(database);
        return true;
      } catch {
        return false;
      }
    },

    lease() {
      leases++;
      let closed = false;
      return {
        get closed() {
          return closed;
        },
        async close() {
          if (closed) return;
          closed = true;
          leases--;
          if (leases === 0) await close();
        },
      };
    },

    abandon() {
      raw.close();
    },
  };
}
