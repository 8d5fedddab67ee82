/**
 * The SQLite storage backend: every collection of every resource in one database file.
 *
 * @module
 */

import { accessSync, constants, statSync } from 'node:fs';
import type { CollectionRef, StorageBackend, StorageSession } from '@pawl/core';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { isFileDatabase, openDatabase } from './database.js';
import { type PurgeOptions, purgeTombstones } from './purge.js';
import type { Sql } from './query/condition.js';
import { type FieldResolver, fieldResolver } from './query/fields.js';
import { type IndexDeclarations, planExpressionIndexes } from './schema/expression-indexes.js';
import { applyMigrations } from './schema/migrations.js';
import type { Schema } from './schema/tables.js';
import { createSession, type SessionContext } from './session.js';
import { cacheStatements } from './statement-cache.js';
import { immediateTransaction } from './transaction.js';

export interface SqliteStorageOptions {
  /** The database file, created when missing; `':memory:'` for a private in-memory database. */
  readonly path: string;
  /**
   * Fields to index, per resource name (`{ articles: ['unread', 'author.name'] }`), so that
   * filtering and sorting on them reads an index instead of scanning the collection.
   */
  readonly indexes?: IndexDeclarations;
  /** How long a write waits for another process's write lock, in milliseconds. Default 5000. */
  readonly busyTimeout?: number;
  /** The source of timestamps, in milliseconds. Defaults to `Date.now`. */
  readonly clock?: () => number;
  /** Receives every statement run, with its parameters and duration (to find slow queries). */
  readonly log?: (query: QueryLog) => void;
}

export interface QueryLog {
  readonly sql: string;
  readonly parameters: readonly unknown[];
  readonly durationMs: number;
  /** Set when the statement failed. */
  readonly error?: unknown;
}

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
 * Opens (creating and migrating it as needed) a SQLite storage backend.
 *
 * Writes run in `BEGIN IMMEDIATE` transactions, one at a time per process and serialized with
 * other processes by SQLite's write lock; timestamps are computed inside them, so they stay
 * strictly increasing per collection even with several processes on one file. Inside
 * `transaction(work)`, use only the session `work` receives: calling the storage itself there
 * waits for the transaction to end, forever.
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
  const { path, log } = options;
  const raw = openDatabase(path, options);
  const database = new Kysely<Schema>({
    dialect: new SqliteDialect({ database: cacheStatements(raw) }),
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
  let indexed: ReadonlyMap<string, ReadonlySet<string>>;
  try {
    const plan = planExpressionIndexes(options.indexes ?? {}, (fragment) =>
      render(database, fragment),
    );
    applyMigrations(raw);
    for (const statement of plan.statements) raw.exec(statement);
    indexed = plan.indexed;
  } catch (error) {
    raw.close();
    throw error;
  }
  // The file as opened: if it is deleted or replaced, this connection writes to a ghost.
  const opened = isFileDatabase(path) ? statSync(path) : undefined;

  const plain = fieldResolver(new Set());
  const resolvers = new Map<string, FieldResolver>(
    [...indexed].map(([resource, keys]) => [resource, fieldResolver(keys)]),
  );
  const context: SessionContext = {
    clock: options.clock ?? Date.now,
    fields: (resource) => resolvers.get(resource) ?? plain,
  };
  const autocommit = createSession(database, context);

  function write<T>(work: (session: StorageSession) => Promise<T>): Promise<T> {
    return immediateTransaction(database, (connection) => work(createSession(connection, context)));
  }

  return {
    name: 'sqlite',
    capabilities: { transactions: true },
    get: autocommit.get,
    list: autocommit.list,
    count: autocommit.count,
    timestamp: autocommit.timestamp,
    put: (collection, record, writeOptions) =>
      write((session) => session.put(collection, record, writeOptions)),
    delete: (collection, id, writeOptions) =>
      write((session) => session.delete(collection, id, writeOptions)),
    transaction: write,
    purgeTombstones: (collection, purgeOptions) =>
      purgeTombstones(database, collection, purgeOptions),

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

    async close() {
      await database.destroy();
      // kysely opens its driver on the first query; closing before one leaves the file open.
      raw.close();
    },
  };
}
