/**
 * Purging tombstones. Deleted records leave tombstones so that clients polling with `_since`
 * learn of deletions; once every client has synced past them, they only take space.
 *
 * Every statement here is restricted to tombstones: purging never touches a live record, and
 * collection timestamps stay as they are, so later writes still get greater ones.
 *
 * @module
 */

import type { CollectionRef } from '@pawl/core';
import { type Kysely, type SqlBool, sql } from 'kysely';
import type { TableNames } from '../database.js';
import { guard } from '../errors.js';
import { and, type Condition, toSql } from '../query/condition.js';
import type { Tables } from '../schema/tables.js';

export interface PurgeOptions {
  /** Purge only tombstones whose `last_modified` is below this timestamp (epoch milliseconds). */
  readonly before?: number;
  /** Keep this many of the most recent tombstones of each collection. */
  readonly keepLast?: number;
}

/**
 * Deletes the tombstones of `collection` (of every collection when omitted) older than
 * `options.before` and not among the `options.keepLast` newest of their collection; with
 * neither option, every tombstone. Resolves to the number deleted.
 */
export async function purgeTombstones(
  db: Kysely<Tables>,
  tables: TableNames,
  collection: CollectionRef | undefined,
  options: PurgeOptions = {},
): Promise<number> {
  const { before, keepLast } = options;
  if (before !== undefined && !Number.isSafeInteger(before)) {
    throw new RangeError('before must be a timestamp in milliseconds');
  }
  if (keepLast !== undefined && !(Number.isSafeInteger(keepLast) && keepLast >= 0)) {
    throw new RangeError('keepLast must be a non-negative integer');
  }
  const inCollection: Condition = collection
    ? sql<SqlBool>`resource = ${collection.resource} AND parent_id = ${collection.parentId}`
    : true;
  const older: Condition =
    before === undefined ? true : sql<SqlBool>`last_modified < ${before}::bigint`;
  // `deleted` again in the outer statement: a tombstone revived meanwhile is a record again.
  const beyondKept: Condition =
    keepLast === undefined
      ? true
      : sql<SqlBool>`(resource, parent_id, id) IN (
          SELECT resource, parent_id, id FROM (
            SELECT resource, parent_id, id, row_number() OVER (
              PARTITION BY resource, parent_id ORDER BY last_modified DESC, id DESC
            ) AS position
            FROM ${tables.records} WHERE deleted AND ${toSql(inCollection)}
          ) AS ranked WHERE position > ${keepLast})`;
  const result = await guard(
    sql`DELETE FROM ${tables.records}
      WHERE ${toSql(and(sql<SqlBool>`deleted`, inCollection, older, beyondKept))}`.execute(db),
  );
  return Number(result.numAffectedRows ?? 0);
}
