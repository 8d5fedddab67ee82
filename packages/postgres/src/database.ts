/**
 * Connections: a `pg` pool (created from a connection string, or lent by the app) shared by the
 * backends of one app, and the kysely instance each backend runs its statements on.
 *
 * @module
 */

import { AsyncLocalStorage } from 'node:async_hooks';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { Pool, type PoolConfig } from 'pg';
import type { Sql } from './query/condition.js';
import type { Tables } from './schema/tables.js';

export interface ConnectionOptions {
  /** `postgres://user:password@host:5432/database`; ignored when `pool` is given. */
  readonly connectionString?: string;
  /** A pool of the app's own, used as it is and never ended by Pawl. */
  readonly pool?: Pool;
  /** Settings of the pool made from `connectionString`, over `POOL_DEFAULTS`. */
  readonly poolConfig?: PoolConfig;
  /** The schema holding Pawl's tables. Default: `public`. */
  readonly schema?: string;
}

/**
 * The pool made from a connection string, per process: `max` 10 connections, so that 8 app
 * processes stay under PostgreSQL's default `max_connections` of 100. A request holds one
 * connection at most, for one statement or for its transaction (including, for writes, the
 * wait for its collection's lock); more connections than a few per database core rarely help.
 * A lock not granted within 10 s and a transaction idle for 60 s fail with a 503 instead of
 * blocking the collection; connecting gives up after 5 s.
 */
export const POOL_DEFAULTS = {
  max: 10,
  connectionTimeoutMillis: 5_000,
  idleTimeoutMillis: 30_000,
  lock_timeout: 10_000,
  idle_in_transaction_session_timeout: 60_000,
} as const satisfies PoolConfig;

/** The tables in raw SQL, qualified with the schema. */
export interface TableNames {
  readonly records: Sql;
  readonly timestamps: Sql;
  readonly cache: Sql;
  readonly permissions: Sql;
}

/** What one backend runs its statements on. */
export interface Database {
  /** Builders on it name tables in `schema`; raw SQL uses `tables`. */
  readonly db: Kysely<Tables>;
  /**
   * The connection of the storage transaction the caller runs inside (its async context), on
   * this pool; `undefined` outside one, or once it has ended.
   */
  transactionConnection(): Kysely<Tables> | undefined;
  /**
   * Runs `work` as inside the transaction on `connection` (see `transactionConnection`);
   * what `deferWrite` queues meanwhile lands in `afterwards`.
   */
  insideTransaction<T>(
    connection: Kysely<Tables>,
    afterwards: Array<() => Promise<unknown>>,
    work: () => Promise<T>,
  ): Promise<T>;
  /**
   * Inside a storage transaction, queues `write` to run once the transaction has ended and
   * its connection is back in the pool, and returns true; outside one, returns false. For
   * cache writes: run in the transaction, their row locks would last until its commit, and
   * two batches caching the same keys in opposite orders would deadlock.
   */
  deferWrite(write: () => Promise<unknown>): boolean;
  /**
   * `task` run once for every backend on the pool (see `onceSucceeded`), the first `task`
   * given under `name` standing for all: the migrations that storage, permissions and cache
   * apply on start are applied once, and a backend called inside a storage transaction finds
   * them done instead of waiting for a connection of its own to apply them.
   */
  once(name: string, task: () => Promise<unknown>): () => Promise<void>;
  readonly schema: string;
  readonly tables: TableNames;
  /** Ends this backend's use of the pool. */
  close(): Promise<void>;
}

/** A pool that several backends share; the last to close ends it, if Pawl created it. */
export interface SharedPool {
  open(): Database;
}

export function sharedPool(options: ConnectionOptions): SharedPool {
  const schema = options.schema ?? 'public';
  const lent = options.pool;
  const pool =
    lent ??
    new Pool({
      ...POOL_DEFAULTS,
      connectionString: options.connectionString,
      ...options.poolConfig,
    });
  // A connection lost by a server restart emits 'error': without a listener, Node would end
  // the process. The failed statement reports it; the pool replaces the connection.
  pool.on('connect', (client) => client.on('error', () => {}));
  if (!lent) pool.on('error', () => {});
  let users = 0;
  // While a storage transaction holds a connection, the permission and cache calls of the same
  // request run on it too: a second connection per request would let ten concurrent writes
  // take the pool's ten connections and wait forever for an eleventh, and the permissions of a
  // record commit or roll back with it. The scope closes with the transaction, so that work
  // the request leaves running afterwards never touches a connection back in the pool.
  const transactions = new AsyncLocalStorage<{
    connection: Kysely<Tables>;
    open: boolean;
    afterwards: Array<() => Promise<unknown>>;
  }>();
  const tasks = new Map<string, () => Promise<void>>();

  return {
    open() {
      users++;
      let closed = false;
      const db = new Kysely<Tables>({
        dialect: new PostgresDialect({
          pool: { connect: () => pool.connect(), end: async () => {} },
        }),
      }).withSchema(schema);
      return {
        db,
        transactionConnection() {
          const scope = transactions.getStore();
          return scope?.open ? scope.connection : undefined;
        },
        async insideTransaction(connection, afterwards, work) {
          const scope = { connection, open: true, afterwards };
          try {
            return await transactions.run(scope, work);
          } finally {
            scope.open = false;
          }
        },
        deferWrite(write) {
          const scope = transactions.getStore();
          if (!scope?.open) return false;
          scope.afterwards.push(write);
          return true;
        },
        once(name, task) {
          let shared = tasks.get(name);
          if (!shared) {
            shared = onceSucceeded(task);
            tasks.set(name, shared);
          }
          return shared;
        },
        schema,
        tables: {
          records: sql.id(schema, 'records'),
          timestamps: sql.id(schema, 'timestamps'),
          cache: sql.id(schema, 'cache'),
          permissions: sql.id(schema, 'permissions'),
        },
        async close() {
          if (closed) return;
          closed = true;
          await db.destroy();
          users--;
          if (users === 0 && !lent) await pool.end();
        },
      };
    },
  };
}

/**
 * `task`, run once on the first call and shared by the calls made meanwhile; after a failure
 * (the server was down at start), the next call tries again.
 */
export function onceSucceeded(task: () => Promise<unknown>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= task().then(
      () => undefined,
      (error: unknown) => {
        running = undefined;
        throw error;
      },
    );
    return running;
  };
}
