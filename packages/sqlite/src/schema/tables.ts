/**
 * The tables, as kysely sees them.
 *
 * @module
 */

/** One row per record or tombstone, every collection of every resource in one table. */
export interface RecordsTable {
  resource: string;
  parent_id: string;
  id: string;
  last_modified: number;
  /** `1` for a tombstone. */
  deleted: number;
  /** The fields other than `id` and `last_modified`, as JSON text; `{"deleted":true}` for a tombstone. */
  data: string;
}

/** The high-water mark of each collection that was ever written or had its timestamp read. */
export interface TimestampsTable {
  resource: string;
  parent_id: string;
  last_modified: number;
}

/** The number of live records (tombstones aside) of each collection, kept by triggers. */
export interface CollectionCountsTable {
  resource: string;
  parent_id: string;
  live: number;
}

export interface MigrationsTable {
  version: number;
  name: string;
  applied_at: number;
}

export interface Schema {
  records: RecordsTable;
  timestamps: TimestampsTable;
  collection_counts: CollectionCountsTable;
  pawl_migrations: MigrationsTable;
}
