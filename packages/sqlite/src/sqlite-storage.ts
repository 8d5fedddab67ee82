/**
 * The SQLite storage backend: every collection of every resource in one database file.
 *
 * @module
 */

import type { CollectionRef, StorageBackend, StorageSession } from '@pawl/core';
import type { Kysely } from 'kysely';
import {
  type Connection,
  closedError,
  type SqliteConnectionOptions,
  withConnection,
} from './connection.js';
import { type PurgeOptions, purgeTombstones } from './purge.js';
import type { Sql } from './query/condition.js';
import { type FieldResolver, fieldResolver } from './query/fields.js';
import { recordQueries } from './query/record-queries.js';
import {
  type IndexDeclarations,
  planExpressionIndexes,
  SUPERSEDED_INDEXES,
} from './schema/expression-indexes.js';
import type { Schema } from './schema/tables.js';
import { createSession, prepareStatements, type SessionContext } from './session.js';

/** What a storage adds to its connection's options. */
export interface StorageOptions {
  /**
   * Fields to index, per resource name (`{ articles: ['unread', 'author.name'] }`), so that
   * filtering and sorting on them reads an index instead of scanning the collection.
   */
  readonly indexes?: IndexDeclarations;
  /**
   * The source of time, in milliseconds: of record timestamps and, with `sqlite()`, of cache
   * expiry. Defaults to `Date.now`.
   */
  readonly clock?: () => number;
}

export interface SqliteStorageOptions extends SqliteConnectionOptions, StorageOptions {}

/** The SQLite storage: a `StorageBackend` that can also purge tombstones. */
export interface SqliteStorage extends StorageBackend {
  /** See `PurgeOptions`: deletes old tombstones, never live records; resolves to how many. */
  purgeTombstones(collection?: CollectionRef, options?: PurgeOptions): Promise<number>;
}

/** The text of a fragment that has no parameters. */
function render(database: Kysely<Schema>, fragment: Sql): string {
  const compiled = fragment.compile(database);
  if (compiled.parameters.length > 0) throw new Error('Expected a fragment without parameters');
  return compiled.sql;
}

/**
 * The storage on `connection`, creating the expression indexes of `options.indexes`.
 *
 * Writes run in `BEGIN IMMEDIATE` transactions, one at a time per process and serialized with
 * other processes by SQLite's write lock; timestamps are computed inside them, so they stay
 * strictly increasing per collection even with several processes on one file. Inside
 * `transaction(work)`, calls on the storage itself run in the transaction, as the calls on the
 * session `work` receives do.
 */
export function storageOn(connection: Connection, options: StorageOptions): SqliteStorage {
  const { database } = connection;
  const plan = planExpressionIndexes(options.indexes ?? {}, (fragment) =>
    render(database, fragment),
  );
  const superseded = connection.prepare(SUPERSEDED_INDEXES).all() as Array<{ name: string }>;
  for (const { name } of superseded) connection.exec(`DROP INDEX IF EXISTS "${name}"`);
  for (const statement of plan.statements) connection.exec(statement);
  const lease = connection.lease();

  const plain = fieldResolver(new Set());
  const resolvers = new Map<string, FieldResolver>(
    [...plan.indexed].map(([resource, keys]) => [resource, fieldResolver(keys)]),
  );
  const context: SessionContext = {
    clock: options.clock ?? Date.now,
    queries: recordQueries(database, (resource) => resolvers.get(resource) ?? plain),
    statements: prepareStatements(connection.prepare),
    cached: connection.cached,
  };
  // Reads in autocommit mode; a write in a transaction of its own.
  const autocommit = createSession(connection, context);

  /** `call`, refused once the storage is closed (its connection may serve other backends). */
  function whileOpen<A extends unknown[], R>(
    call: (...args: A) => Promise<R>,
  ): (...args: A) => Promise<R> {
    return (...args) => (lease.closed ? Promise.reject(closedError('storage')) : call(...args));
  }

  function transaction<T>(work: (session: StorageSession) => Promise<T>): Promise<T> {
    if (lease.closed) return Promise.reject(closedError('storage'));
    return connection.transaction((_connection, turns) => work(createSession(turns, context)));
  }

  return {
    name: 'sqlite',
    capabilities: { transactions: true },
    get: whileOpen(autocommit.get),
    list: whileOpen(autocommit.list),
    count: whileOpen(autocommit.count),
    timestamp: whileOpen(autocommit.timestamp),
    put: whileOpen(autocommit.put),
    delete: whileOpen(autocommit.delete),
    transaction,
    purgeTombstones: whileOpen((collection?: CollectionRef, purgeOptions?: PurgeOptions) =>
      purgeTombstones(connection.transaction, collection, purgeOptions),
    ),
    heartbeat: async () => !lease.closed && (await connection.heartbeat()),
    close: () => lease.close(),
  };
}

/**
 * Opens (creating and migrating it as needed) a SQLite storage backend on its own connection.
 * To keep permissions and cached values in the same file, open all three with `sqlite()`.
 *
 * @example
 * ```ts
 * const storage = sqliteStorage({ path: './data.db', indexes: { articles: ['unread'] } });
 * const books = { resource: 'book', parentId: 'alice' };
 * await storage.put(books, { id: 'b1', title: 'Dune' });
 * await storage.close();
 * ```
 */
export function sqliteStorage(options: SqliteStorageOptions): SqliteStorage {
  return withConnection(options, (connection) => storageOn(connection, options));
}
