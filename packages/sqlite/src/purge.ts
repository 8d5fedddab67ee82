/**
 * Purging tombstones. Deleted records leave tombstones so that clients polling with `_since`
 * learn about deletions; once every client has synced past them they only take space.
 *
 * Every statement here is restricted to `deleted = 1`: purging never touches a live record.
 *
 * @module
 */

import type { CollectionRef } from '@pawl/core';
import { type Kysely, type SqlBool, sql } from 'kysely';
import { and, type Condition, toSql } from './query/condition.js';
import type { Schema } from './schema/tables.js';

export interface PurgeOptions {
  /** Purge only tombstones whose `last_modified` is below this timestamp (epoch milliseconds). */
  readonly before?: number;
  /** Keep this many of the most recent tombstones of each collection. */
  readonly keepLast?: number;
}

/**
 * Deletes the tombstones of `collection` (of every collection when omitted) that are older
 * than `options.before` and not among the `options.keepLast` newest of their collection; with
 * neither option, every tombstone. Resolves to the number of tombstones deleted.
 *
 * Collection timestamps are kept, so timestamps keep increasing after a purge. A client whose
 * last sync is older than a purged tombstone no longer learns of that deletion. The delete
 * runs in `transaction`, a write transaction of the connection (`Connection.transaction`).
 */
export async function purgeTombstones(
  transaction: <T>(work: (connection: Kysely<Schema>) => Promise<T>) => Promise<T>,
  collection: CollectionRef | undefined,
  options: PurgeOptions = {},
): Promise<number> {
  const { before, keepLast } = options;
  if (before !== undefined && !Number.isFinite(before)) {
    throw new RangeError('before must be a timestamp in milliseconds');
  }
  if (keepLast !== undefined && !(Number.isSafeInteger(keepLast) && keepLast >= 0)) {
    throw new RangeError('keepLast must be a non-negative integer');
  }
  const tombstones = (alias: string): Condition =>
    and(
      sql<SqlBool>`${sql.ref(`${alias}.deleted`)} = 1`,
      collection
        ? sql<SqlBool>`${sql.ref(`${alias}.resource`)} = ${collection.resource} AND ${sql.ref(`${alias}.parent_id`)} = ${collection.parentId}`
        : true,
    );
  const older = before === undefined ? true : sql<SqlBool>`t.last_modified < ${before}`;
  const beyondKept =
    keepLast === undefined
      ? true
      : sql<SqlBool>`t.rowid IN (SELECT rowid FROM (
          SELECT k.rowid, row_number() OVER (
            PARTITION BY k.resource, k.parent_id ORDER BY k.last_modified DESC, k.id DESC
          ) AS position
          FROM records AS k WHERE ${toSql(tombstones('k'))}
        ) WHERE position > ${keepLast})`;
  return transaction(async (connection) => {
    const result = await connection
      .deleteFrom('records as t')
      .where(toSql(and(tombstones('t'), older, beyondKept)))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  });
}
