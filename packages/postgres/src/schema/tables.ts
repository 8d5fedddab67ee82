/**
 * The tables, as kysely sees them. `bigint` columns arrive as strings.
 *
 * @module
 */

import type { JsonValue } from '@pawl/core';

/** One row per record or tombstone, every collection of every resource in one table. */
export interface RecordsTable {
  resource: string;
  parent_id: string;
  id: string;
  last_modified: string;
  deleted: boolean;
  /** The fields other than `id` and `last_modified`; `{"deleted": true}` for a tombstone. */
  data: { [field: string]: JsonValue };
}

/**
 * The high-water mark of each collection, and its lock: every write locks the row of its
 * collection first. `0` for a collection locked but never written.
 */
export interface TimestampsTable {
  resource: string;
  parent_id: string;
  last_modified: string;
}

/**
 * The number of live records of each collection, kept by triggers on `records` (see migration
 * 5). No row: none.
 */
export interface CollectionCountsTable {
  resource: string;
  parent_id: string;
  live: string;
}

/** Cache entries (an unlogged table: fast, emptied by a crash). */
export interface CacheTable {
  key: string;
  value: JsonValue;
  expires_at: Date;
}

/** One row per principal granted a permission on an object. */
export interface PermissionsTable {
  object_id: string;
  permission: string;
  principal: string;
}

export interface MigrationsTable {
  version: number;
  name: string;
  applied_at: Date;
}

export interface Tables {
  records: RecordsTable;
  timestamps: TimestampsTable;
  collection_counts: CollectionCountsTable;
  cache: CacheTable;
  permissions: PermissionsTable;
  pawl_migrations: MigrationsTable;
}
