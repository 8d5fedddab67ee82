/**
 * The storage session: the six calls of `StorageSession` on one kysely executor, either the
 * shared database (autocommit reads) or the connection of a running transaction.
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
import { type Kysely, type SqlBool, sql } from 'kysely';
import { toSql } from './query/condition.js';
import type { FieldResolver } from './query/fields.js';
import { filterCondition } from './query/filters.js';
import { keysetCondition, orderTerms } from './query/sorting.js';
import type { Schema } from './schema/tables.js';

export interface SessionContext {
  /** The source of timestamps, in milliseconds. */
  readonly clock: () => number;
  /** The field resolver of a resource. */
  readonly fields: (resource: string) => FieldResolver;
}

/** The `data` of every tombstone: what a filter or sort sees of it besides `id` and `last_modified`. */
const TOMBSTONE_DATA = '{"deleted":true}';

const LIVE = sql<SqlBool>`r.deleted = 0`;

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
 * A session on `executor`. Writes must run inside a write transaction (see `transaction.ts`):
 * the timestamp of each is read from and written to the `timestamps` table in that same
 * transaction, which is what keeps timestamps increasing across processes.
 */
export function createSession(executor: Kysely<Schema>, context: SessionContext): StorageSession {
  /** The items of a collection that match `query`, before choosing columns. */
  function inCollection(ref: CollectionRef, query: CountQuery) {
    const fields = context.fields(ref.resource);
    let select = executor
      .selectFrom('records as r')
      .where('r.resource', '=', ref.resource)
      .where('r.parent_id', '=', ref.parentId);
    if (!query.includeDeleted) select = select.where(LIVE);
    for (const filter of query.filters) {
      select = select.where(toSql(filterCondition(fields(filter.path), filter)));
    }
    return select;
  }

  async function readTimestamp(ref: CollectionRef): Promise<number | undefined> {
    const row = await executor
      .selectFrom('timestamps')
      .select('last_modified')
      .where('resource', '=', ref.resource)
      .where('parent_id', '=', ref.parentId)
      .executeTakeFirst();
    return row?.last_modified;
  }

  async function writeTimestamp(ref: CollectionRef, timestamp: number): Promise<void> {
    await executor
      .insertInto('timestamps')
      .values({ resource: ref.resource, parent_id: ref.parentId, last_modified: timestamp })
      .onConflict((conflict) =>
        conflict.columns(['resource', 'parent_id']).doUpdateSet({ last_modified: timestamp }),
      )
      .execute();
  }

  /**
   * The timestamp of a write: the forced one, or one above every timestamp the collection
   * handed out and not below the clock. The collection's high-water mark moves to the greater.
   */
  async function stamp(ref: CollectionRef, forced: number | undefined): Promise<number> {
    const current = (await readTimestamp(ref)) ?? Number.NEGATIVE_INFINITY;
    const fresh = Math.max(context.clock(), current + 1);
    await writeTimestamp(ref, forced !== undefined && forced > current ? forced : fresh);
    return forced ?? fresh;
  }

  return {
    async get(ref, id) {
      const row = await executor
        .selectFrom('records as r')
        .select(['r.id', 'r.last_modified', 'r.deleted', 'r.data'])
        .where('r.resource', '=', ref.resource)
        .where('r.parent_id', '=', ref.parentId)
        .where('r.id', '=', id)
        .where(LIVE)
        .executeTakeFirst();
      return row ? (toItem(row) as StoredRecord) : null;
    },

    async list(ref, query: ListQuery) {
      const fields = context.fields(ref.resource);
      const keys = query.sort.map(({ path, direction }) => ({ slot: fields(path), direction }));
      let select = inCollection(ref, query).select([
        'r.id',
        'r.last_modified',
        'r.deleted',
        'r.data',
      ]);
      if (query.after !== undefined)
        select = select.where(toSql(keysetCondition(keys, query.after)));
      for (const key of keys) {
        for (const term of orderTerms(key)) {
          select = select.orderBy(term.expression, term.direction);
        }
      }
      if (query.limit !== undefined) select = select.limit(query.limit);
      return (await select.execute()).map(toItem);
    },

    async count(ref, query) {
      if (query.filters.length === 0 && !query.includeDeleted) {
        // What the first page of a list counts: the counter the triggers of `records` keep.
        const counted = await executor
          .selectFrom('collection_counts')
          .select('live')
          .where('resource', '=', ref.resource)
          .where('parent_id', '=', ref.parentId)
          .executeTakeFirst();
        return counted?.live ?? 0;
      }
      const row = await inCollection(ref, query)
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      return row.count;
    },

    async timestamp(ref) {
      const stored = await readTimestamp(ref);
      if (stored !== undefined) return stored;
      // A never-written collection: fix its timestamp now, so that it stays the same until the
      // first write, here and in every other process. If another writer got there first, its
      // value stands.
      await executor
        .insertInto('timestamps')
        .values({ resource: ref.resource, parent_id: ref.parentId, last_modified: context.clock() })
        .onConflict((conflict) => conflict.doNothing())
        .execute();
      return (await readTimestamp(ref)) ?? context.clock();
    },

    async put(ref, record: RecordFields & { id: string }, options) {
      const { id, last_modified: _ignored, ...fields } = record;
      const data = JSON.stringify(fields);
      const lastModified = await stamp(ref, options?.lastModified);
      await executor
        .insertInto('records')
        .values({
          resource: ref.resource,
          parent_id: ref.parentId,
          id,
          last_modified: lastModified,
          deleted: 0,
          data,
        })
        .onConflict((conflict) =>
          conflict
            .columns(['resource', 'parent_id', 'id'])
            .doUpdateSet({ last_modified: lastModified, deleted: 0, data }),
        )
        .execute();
      return { id, ...JSON.parse(data), last_modified: lastModified };
    },

    async delete(ref, id, options) {
      const live = await executor
        .selectFrom('records as r')
        .select('r.id')
        .where('r.resource', '=', ref.resource)
        .where('r.parent_id', '=', ref.parentId)
        .where('r.id', '=', id)
        .where(LIVE)
        .executeTakeFirst();
      if (!live) return null;
      const lastModified = await stamp(ref, options?.lastModified);
      await executor
        .updateTable('records')
        .set({ last_modified: lastModified, deleted: 1, data: TOMBSTONE_DATA })
        .where('resource', '=', ref.resource)
        .where('parent_id', '=', ref.parentId)
        .where('id', '=', id)
        .execute();
      return { id, last_modified: lastModified, deleted: true };
    },
  };
}
