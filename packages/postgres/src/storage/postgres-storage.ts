/**
 * The PostgreSQL storage backend: every collection of every resource in one `records` table,
 * shared by any number of app processes.
 *
 * @module
 */

import type { CollectionRef, StorageBackend, StorageSession } from '@pawl/core';
import { type ConnectionOptions, type Database, onceSucceeded, sharedPool } from '../database.js';
import { answers, HEARTBEAT_TIMEOUT } from '../heartbeat.js';
import type { Sql } from '../query/condition.js';
import {
  createExpressionIndexes,
  type IndexDeclarations,
  planExpressionIndexes,
} from '../schema/expression-indexes.js';
import { migrationsOnce } from '../schema/migrations.js';
import { type PurgeOptions, purgeTombstones } from './purge.js';
import { createSession, type SessionContext } from './session.js';
import { runTransaction } from './transaction.js';

export interface PostgresStorageOptions extends ConnectionOptions {
  /**
   * Applies pending migrations before the first statement (under an advisory lock, so that
   * processes starting together take turns). Default `false`: run `pawl-postgres migrate`.
   */
  readonly migrateOnStart?: boolean;
  /**
   * Fields to index, per resource name (`{ articles: ['unread', 'author.name'] }`), so that
   * equality filters, sorts, counts with a filter and uniqueness checks on them read an index
   * instead of the whole collection. Created before the first statement, when missing (which
   * needs the owner's role; building one blocks writes meanwhile). Names are ASCII letters,
   * digits, `_` and `-`, with dots for nested fields. Needs PostgreSQL 14 or later.
   */
  readonly indexes?: IndexDeclarations;
  /** The source of timestamps, in milliseconds. Defaults to `Date.now`. */
  readonly clock?: () => number;
  /** How long `heartbeat()` waits for `SELECT 1`, in milliseconds. Default 2000. */
  readonly heartbeatTimeout?: number;
}

/** The PostgreSQL storage: a `StorageBackend` that can also purge tombstones. */
export interface PostgresStorage extends StorageBackend {
  /** See `PurgeOptions`: deletes old tombstones, never live records; resolves to how many. */
  purgeTombstones(collection?: CollectionRef, options?: PurgeOptions): Promise<number>;
}

/** The text of a fragment that has no parameters. */
function render(database: Database, fragment: Sql): string {
  const compiled = fragment.compile(database.db);
  if (compiled.parameters.length > 0) throw new Error('Expected a fragment without parameters');
  return compiled.sql;
}

/**
 * The storage on an open `database`; closing it closes the database.
 *
 * @throws when `options.indexes` declares a field that cannot be indexed.
 */
export function storageOn(database: Database, options: PostgresStorageOptions): PostgresStorage {
  const context: SessionContext = { tables: database.tables, clock: options.clock ?? Date.now };
  const indexes = planExpressionIndexes(options.indexes ?? {}, (fragment) =>
    render(database, fragment),
  );
  const migrated = migrationsOnce(database);
  const ready = onceSucceeded(async () => {
    if (options.migrateOnStart) await migrated();
    await createExpressionIndexes(database.db, database.schema, indexes);
  });
  const autocommit = createSession(database.db, context);

  async function transaction<T>(work: (session: StorageSession) => Promise<T>): Promise<T> {
    await ready();
    return runTransaction(database, context, work);
  }

  /** `call`, once the schema is ready. */
  function whenReady<A extends unknown[], R>(call: (...args: A) => Promise<R>) {
    return async (...args: A): Promise<R> => {
      await ready();
      return call(...args);
    };
  }

  return {
    name: 'postgresql',
    capabilities: { transactions: true },
    get: whenReady(autocommit.get),
    list: whenReady(autocommit.list),
    count: whenReady(autocommit.count),
    timestamp: whenReady(autocommit.timestamp),
    // One statement, which is its own transaction (see `session.ts`).
    put: whenReady(autocommit.put),
    // Locks the collection before the statement reads the record (see `transaction.ts`); a
    // collection never written has nothing to delete, and gets no row.
    delete: async (collection, id, writeOptions) => {
      await ready();
      return runTransaction(
        database,
        context,
        (session) => session.delete(collection, id, writeOptions),
        false,
      );
    },
    transaction,
    purgeTombstones: whenReady((collection?: CollectionRef, purge?: PurgeOptions) =>
      purgeTombstones(database.db, database.tables, collection, purge),
    ),
    heartbeat: () => answers(database, ready, options.heartbeatTimeout ?? HEARTBEAT_TIMEOUT),
    close: () => database.close(),
  };
}

/**
 * A storage backend on PostgreSQL. Writes to one collection are serialized across every
 * process by a lock on the collection's timestamp row, so timestamps are strictly increasing
 * per collection and become visible in that order, and `transaction(work)` loses no update.
 * Inside `work`, use only the session it receives.
 *
 * @example
 * ```ts
 * const storage = postgresStorage({
 *   connectionString: process.env.DATABASE_URL,
 *   migrateOnStart: true,
 * });
 * const books = { resource: 'book', parentId: 'alice' };
 * await storage.put(books, { id: 'b1', title: 'Dune' });
 * await storage.close();
 * ```
 */
export function postgresStorage(options: PostgresStorageOptions): PostgresStorage {
  return storageOn(sharedPool(options).open(), options);
}
