/**
 * The storage session: the six calls of `StorageSession`, either on the shared connection
 * (autocommit reads) or in a running transaction.
 *
 * The calls whose SQL never changes (a record by id, a timestamp, the counter of an unfiltered
 * count, a write of one record) run statements prepared once per connection, synchronously,
 * in one turn on the connection (see `connection.ts`); their SQL is the text kysely compiles
 * for the same query, so the query log reads the same. Lists and filtered counts, whose SQL
 * depends on the filters and sorts, are built with kysely (see `query/record-queries.ts`).
 *
 * @module
 */

import type {
  CollectionRef,
  CountQuery,
  ListQuery,
  RecordFields,
  StorageSession,
  StoredRecord,
  Tombstone,
} from '@pawl/core';
import type { Statement, Turns } from './connection.js';
import type { CompiledQuery } from './query/compiled-queries.js';
import type { RecordQueries } from './query/record-queries.js';

export interface SessionContext {
  /** The source of timestamps, in milliseconds. */
  readonly clock: () => number;
  /** The SQL of lists and filtered counts. */
  readonly queries: RecordQueries;
  /** The fixed-shape statements, prepared on the connection. */
  readonly statements: FixedStatements;
  /** A statement whose SQL varies with the call, from the connection's cache. */
  readonly cached: (source: string) => Statement;
}

/** The statements whose SQL does not depend on the call. */
export type FixedStatements = ReturnType<typeof prepareStatements>;

/**
 * Prepares the fixed-shape statements. Parameters are positional, in the order kysely binds
 * them for the same query.
 */
export function prepareStatements(prepare: (source: string) => Statement) {
  return {
    /** `resource`, `parent_id`. */
    readTimestamp: prepare(
      'select "last_modified" from "timestamps" where "resource" = ? and "parent_id" = ?',
    ),
    /** `resource`, `parent_id`, `last_modified`, `last_modified`. */
    writeTimestamp: prepare(
      'insert into "timestamps" ("resource", "parent_id", "last_modified") values (?, ?, ?) on conflict ("resource", "parent_id") do update set "last_modified" = ?',
    ),
    /** `resource`, `parent_id`, `last_modified`: the timestamp of a never-written collection. */
    fixTimestamp: prepare(
      'insert into "timestamps" ("resource", "parent_id", "last_modified") values (?, ?, ?) on conflict do nothing',
    ),
    /** `resource`, `parent_id`, `id`. */
    get: prepare(
      'select "r"."id", "r"."last_modified", "r"."deleted", "r"."data" from "records" as "r" where "r"."resource" = ? and "r"."parent_id" = ? and "r"."id" = ? and r.deleted = 0',
    ),
    /** `resource`, `parent_id`, `id`. */
    live: prepare(
      'select "r"."id" from "records" as "r" where "r"."resource" = ? and "r"."parent_id" = ? and "r"."id" = ? and r.deleted = 0',
    ),
    /** `resource`, `parent_id`. */
    counter: prepare(
      'select "live" from "collection_counts" where "resource" = ? and "parent_id" = ?',
    ),
    /** `resource`, `parent_id`, `id`, `last_modified`, `deleted`, `data`, then the last three. */
    put: prepare(
      'insert into "records" ("resource", "parent_id", "id", "last_modified", "deleted", "data") values (?, ?, ?, ?, ?, ?) on conflict ("resource", "parent_id", "id") do update set "last_modified" = ?, "deleted" = ?, "data" = ?',
    ),
    /** `last_modified`, `deleted`, `data`, `resource`, `parent_id`, `id`. */
    tombstone: prepare(
      'update "records" set "last_modified" = ?, "deleted" = ?, "data" = ? where "resource" = ? and "parent_id" = ? and "id" = ?',
    ),
  };
}

/** The `data` of every tombstone: what a filter or sort sees of it besides `id` and `last_modified`. */
const TOMBSTONE_DATA = '{"deleted":true}';

interface Row {
  id: string;
  last_modified: number;
  deleted: number;
  data: string;
}

function toItem(row: Row): StoredRecord | Tombstone {
  if (row.deleted === 1) return { id: row.id, last_modified: row.last_modified, deleted: true };
  return { id: row.id, ...JSON.parse(row.data), last_modified: row.last_modified };
}

/**
 * A session whose statements run in `turns`. Writes must run
 * inside a write transaction (see `transaction.ts`; `turns.write` runs them in one of their
 * own outside a transaction): the timestamp of each is read from and written to the
 * `timestamps` table in that same transaction, which is what keeps timestamps increasing
 * across processes.
 */
export function createSession(turns: Turns, context: SessionContext): StorageSession {
  const { statements } = context;
  const { read, write } = turns;

  function readTimestamp(ref: CollectionRef): number | undefined {
    const row = statements.readTimestamp.get(ref.resource, ref.parentId) as
      | { last_modified: number }
      | undefined;
    return row?.last_modified;
  }

  /**
   * The timestamp of a write: the forced one, or one above every timestamp the collection
   * handed out and not below the clock. The collection's high-water mark moves to the greater.
   */
  function stamp(ref: CollectionRef, forced: number | undefined): number {
    const current = readTimestamp(ref) ?? Number.NEGATIVE_INFINITY;
    const fresh = Math.max(context.clock(), current + 1);
    const highest = forced !== undefined && forced > current ? forced : fresh;
    statements.writeTimestamp.run(ref.resource, ref.parentId, highest, highest);
    return forced ?? fresh;
  }

  /**
   * Runs a query kysely compiled, in the caller's turn on the connection: the same statement
   * kysely would run, without its driver's promise hops (see `connection.ts`).
   */
  function rowsOf<R>({ sql: source, parameters }: CompiledQuery): Promise<R[]> {
    return read(() => context.cached(source).all(...parameters) as R[]);
  }

  async function countMatching(ref: CollectionRef, query: CountQuery): Promise<number> {
    const [row] = await rowsOf<{ count: number }>(context.queries.count(ref, query));
    return row?.count ?? 0;
  }

  return {
    get: (ref, id) =>
      read(() => {
        const row = statements.get.get(ref.resource, ref.parentId, id) as Row | undefined;
        return row ? (toItem(row) as StoredRecord) : null;
      }),

    list: async (ref, query: ListQuery) =>
      (await rowsOf<Row>(context.queries.list(ref, query))).map(toItem),

    count: (ref, query) =>
      query.filters.length === 0 && !query.includeDeleted
        ? // What the first page of a list counts: the counter the triggers of `records` keep.
          read(() => {
            const counted = statements.counter.get(ref.resource, ref.parentId) as
              | { live: number }
              | undefined;
            return counted?.live ?? 0;
          })
        : countMatching(ref, query),

    timestamp: (ref) =>
      read(() => {
        const stored = readTimestamp(ref);
        if (stored !== undefined) return stored;
        // A never-written collection: fix its timestamp now, so that it stays the same until
        // the first write, here and in every other process. If another writer got there first,
        // its value stands.
        statements.fixTimestamp.run(ref.resource, ref.parentId, context.clock());
        return readTimestamp(ref) ?? context.clock();
      }),

    put: (ref, record: RecordFields & { id: string }, options) =>
      write(() => {
        const { id, last_modified: _ignored, ...fields } = record;
        const data = JSON.stringify(fields);
        const lastModified = stamp(ref, options?.lastModified);
        statements.put.run(
          ref.resource,
          ref.parentId,
          id,
          lastModified,
          0,
          data,
          lastModified,
          0,
          data,
        );
        return { id, ...JSON.parse(data), last_modified: lastModified };
      }),

    delete: (ref, id, options) =>
      write(() => {
        if (statements.live.get(ref.resource, ref.parentId, id) === undefined) return null;
        const lastModified = stamp(ref, options?.lastModified);
        statements.tombstone.run(lastModified, 1, TOMBSTONE_DATA, ref.resource, ref.parentId, id);
        const tombstone: Tombstone = { id, last_modified: lastModified, deleted: true };
        return tombstone;
      }),
  };
}
