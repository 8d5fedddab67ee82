/**
 * The storage session: the six calls of `StorageSession` on one kysely executor, either the
 * pool (autocommit) or the connection of a running transaction.
 *
 * Every write locks its collection's row in `timestamps` before it stamps and writes, and keeps
 * the lock until it commits. So the writers of one collection run one at a time, across every
 * process, each stamping above the last committed timestamp and committing before the next
 * one stamps: timestamps increase in commit order (see `docs/deploying.md`).
 *
 * @module
 */

import type {
  CollectionRef,
  CountQuery,
  JsonValue,
  ListQuery,
  RecordFields,
  StorageSession,
  StoredRecord,
  Tombstone,
  WriteOptions,
} from '@pawl/core';
import { type Kysely, sql } from 'kysely';
import type { TableNames } from '../database.js';
import { guard } from '../errors.js';
import { type Sql, toSql } from '../query/condition.js';
import { filterCondition } from '../query/filters.js';
import { keysetCondition, orderTerms } from '../query/sorting.js';
import type { Tables } from '../schema/tables.js';

export interface SessionContext {
  readonly tables: TableNames;
  /** The source of timestamps, in milliseconds. */
  readonly clock: () => number;
}

interface Row {
  id: string;
  last_modified: string;
  deleted: boolean;
  data: { [field: string]: JsonValue };
}

function toItem(row: Row): StoredRecord | Tombstone {
  const last_modified = Number(row.last_modified);
  if (row.deleted) return { id: row.id, last_modified, deleted: true };
  return { id: row.id, ...row.data, last_modified };
}

/**
 * The collection timestamp after a write whose fresh timestamp would be above `current`: the
 * forced one when it is greater, else the fresh one (see `WriteOptions`).
 */
function next(current: Sql, forced: number | null, now: number): Sql {
  return sql`CASE WHEN ${forced}::bigint > ${current} THEN ${forced}::bigint ELSE GREATEST(${now}::bigint, ${current} + 1) END`;
}

/**
 * A session on `executor`. `enter` runs before every call on a collection: a transaction locks
 * the collection there.
 */
export function createSession(
  executor: Kysely<Tables>,
  { tables, clock }: SessionContext,
  enter: (collection: CollectionRef) => Promise<void> = async () => {},
): StorageSession {
  function inCollection(ref: CollectionRef, includeDeleted: boolean | undefined) {
    let select = executor
      .selectFrom('records as r')
      .where('r.resource', '=', ref.resource)
      .where('r.parent_id', '=', ref.parentId);
    if (!includeDeleted) select = select.where(sql<boolean>`NOT r.deleted`);
    return select;
  }

  async function get(ref: CollectionRef, id: string): Promise<StoredRecord | null> {
    await enter(ref);
    const row = await inCollection(ref, false)
      .select(['r.id', 'r.last_modified', 'r.deleted', 'r.data'])
      .where('r.id', '=', id)
      .executeTakeFirst();
    return row ? (toItem(row) as StoredRecord) : null;
  }

  async function list(
    ref: CollectionRef,
    query: ListQuery,
  ): Promise<Array<StoredRecord | Tombstone>> {
    await enter(ref);
    let select = inCollection(ref, query.includeDeleted).select([
      'r.id',
      'r.last_modified',
      'r.deleted',
      'r.data',
    ]);
    for (const filter of query.filters) select = select.where(toSql(filterCondition(filter)));
    if (query.after !== undefined) {
      select = select.where(toSql(keysetCondition(query.sort, query.after)));
    }
    for (const term of orderTerms(query.sort)) {
      select = select.orderBy(term.expression, term.direction);
    }
    if (query.limit !== undefined) select = select.limit(query.limit);
    return (await select.execute()).map(toItem);
  }

  async function count(ref: CollectionRef, query: CountQuery): Promise<number> {
    await enter(ref);
    if (query.filters.length === 0 && !query.includeDeleted) {
      // What a first page without a filter counts: the counter the triggers of `records` keep.
      const counted = await executor
        .selectFrom('collection_counts')
        .select('live')
        .where('resource', '=', ref.resource)
        .where('parent_id', '=', ref.parentId)
        .executeTakeFirst();
      return Number(counted?.live ?? 0);
    }
    let select = inCollection(ref, query.includeDeleted).select(sql<string>`count(*)`.as('count'));
    for (const filter of query.filters) select = select.where(toSql(filterCondition(filter)));
    return Number((await select.executeTakeFirstOrThrow()).count);
  }

  /** A never-written collection has timestamp 0: reading it writes nothing, and stays 0. */
  async function timestamp(ref: CollectionRef): Promise<number> {
    await enter(ref);
    const row = await executor
      .selectFrom('timestamps')
      .select('last_modified')
      .where('resource', '=', ref.resource)
      .where('parent_id', '=', ref.parentId)
      .executeTakeFirst();
    return Number(row?.last_modified ?? 0);
  }

  /**
   * One statement: the upsert of the collection's timestamp row locks it (waiting for the
   * writer holding it to commit) and stamps above the value it finds; the record is written
   * with that stamp in the same statement, so in the same transaction.
   */
  async function put(
    ref: CollectionRef,
    record: RecordFields & { id: string },
    options?: WriteOptions,
  ): Promise<StoredRecord> {
    await enter(ref);
    const { id, last_modified: _ignored, ...fields } = record;
    const data = JSON.stringify(fields);
    const forced = options?.lastModified ?? null;
    const now = clock();
    const { rows } = await sql<{ last_modified: string }>`
      WITH stamp AS (
        INSERT INTO ${tables.timestamps} AS t (resource, parent_id, last_modified)
        VALUES (${ref.resource}, ${ref.parentId}, ${next(sql`0`, forced, now)})
        ON CONFLICT (resource, parent_id)
        DO UPDATE SET last_modified = ${next(sql`t.last_modified`, forced, now)}
        RETURNING t.last_modified
      )
      INSERT INTO ${tables.records} AS r (resource, parent_id, id, last_modified, deleted, data)
      SELECT ${ref.resource}, ${ref.parentId}, ${id}, coalesce(${forced}::bigint, stamp.last_modified), FALSE, ${data}::jsonb
      FROM stamp
      ON CONFLICT (resource, parent_id, id)
      DO UPDATE SET last_modified = EXCLUDED.last_modified, deleted = FALSE, data = EXCLUDED.data
      RETURNING r.last_modified`.execute(executor);
    return { id, ...JSON.parse(data), last_modified: Number(rows[0]?.last_modified) };
  }

  /**
   * One statement, run after `enter` locked the collection: it locks the timestamp row (a
   * collection without one has no records), turns the live record into a tombstone, and
   * moves the collection timestamp only when it did.
   */
  async function remove(
    ref: CollectionRef,
    id: string,
    options?: WriteOptions,
  ): Promise<Tombstone | null> {
    await enter(ref);
    const forced = options?.lastModified ?? null;
    const now = clock();
    const { rows } = await sql<{ last_modified: string }>`
      WITH stamp AS (
        SELECT last_modified AS current FROM ${tables.timestamps}
        WHERE resource = ${ref.resource} AND parent_id = ${ref.parentId}
        FOR UPDATE
      ), gone AS (
        UPDATE ${tables.records} AS r
        SET last_modified = coalesce(${forced}::bigint, GREATEST(${now}::bigint, stamp.current + 1)),
          deleted = TRUE, data = '{"deleted":true}'::jsonb
        FROM stamp
        WHERE r.resource = ${ref.resource} AND r.parent_id = ${ref.parentId} AND r.id = ${id}
          AND NOT r.deleted
        RETURNING r.last_modified
      ), bump AS (
        UPDATE ${tables.timestamps} AS t SET last_modified = ${next(sql`stamp.current`, forced, now)}
        FROM stamp, gone
        WHERE t.resource = ${ref.resource} AND t.parent_id = ${ref.parentId}
      )
      SELECT last_modified FROM gone`.execute(executor);
    const [row] = rows;
    return row ? { id, last_modified: Number(row.last_modified), deleted: true } : null;
  }

  return {
    get: (ref, id) => guard(get(ref, id)),
    list: (ref, query) => guard(list(ref, query)),
    count: (ref, query) => guard(count(ref, query)),
    timestamp: (ref) => guard(timestamp(ref)),
    put: (ref, record, options) => guard(put(ref, record, options)),
    delete: (ref, id, options) => guard(remove(ref, id, options)),
  };
}
