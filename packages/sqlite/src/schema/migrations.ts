/**
 * Numbered schema migrations, recorded in `pawl_migrations`. Opening a storage applies the
 * pending ones; `migrate(path)` (and `pawl-sqlite migrate <file>`) does it ahead of time.
 *
 * Migrations only ever append: a database made by an older version opens in a newer one,
 * and a database already migrated past what this version knows is refused.
 *
 * @module
 */

import { openDatabase, type SqliteDatabase } from '../database.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'records and collection timestamps',
    statements: [
      `CREATE TABLE records (
        resource TEXT NOT NULL,
        parent_id TEXT NOT NULL,
        id TEXT NOT NULL,
        last_modified INTEGER NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
        data TEXT NOT NULL CHECK (json_valid(data)),
        PRIMARY KEY (resource, parent_id, id)
      ) STRICT`,
      // `_since` polling and the default sort (`-last_modified`, then `id`) walk this index
      // backwards, which yields exactly that order; with `deleted` in it, counting live
      // records needs no table lookups.
      `CREATE INDEX records_last_modified
        ON records (resource, parent_id, last_modified, id DESC, deleted)`,
      `CREATE TABLE timestamps (
        resource TEXT NOT NULL,
        parent_id TEXT NOT NULL,
        last_modified INTEGER NOT NULL,
        PRIMARY KEY (resource, parent_id)
      ) STRICT, WITHOUT ROWID`,
    ],
  },
  {
    version: 2,
    name: 'tombstone index for purging',
    statements: [
      `CREATE INDEX records_tombstones ON records (resource, parent_id, last_modified)
        WHERE deleted = 1`,
    ],
  },
  {
    version: 3,
    name: 'permissions',
    statements: [
      // The primary key serves `get` and `delete` (an object id, or the range of those below
      // it); the index serves `accessible`: per principal and permission, a range of ids.
      `CREATE TABLE permissions (
        object_id TEXT NOT NULL,
        permission TEXT NOT NULL,
        principal TEXT NOT NULL,
        PRIMARY KEY (object_id, permission, principal)
      ) STRICT, WITHOUT ROWID`,
      `CREATE INDEX permissions_accessible ON permissions (principal, permission, object_id)`,
    ],
  },
  {
    version: 4,
    name: 'cache',
    statements: [
      `CREATE TABLE cache (
        key TEXT NOT NULL PRIMARY KEY,
        value TEXT NOT NULL CHECK (json_valid(value)),
        expires_at REAL NOT NULL
      ) STRICT, WITHOUT ROWID`,
      `CREATE INDEX cache_expiry ON cache (expires_at)`,
    ],
  },
  {
    version: 5,
    name: 'live record counts',
    statements: [
      `CREATE TABLE collection_counts (
        resource TEXT NOT NULL,
        parent_id TEXT NOT NULL,
        live INTEGER NOT NULL,
        PRIMARY KEY (resource, parent_id)
      ) STRICT, WITHOUT ROWID`,
      `INSERT INTO collection_counts (resource, parent_id, live)
        SELECT resource, parent_id, count(*) FROM records WHERE deleted = 0
        GROUP BY resource, parent_id`,
      // Triggers keep the counts in the transaction of every change to `records`, whoever
      // makes it: a put of a new record or over a tombstone adds one, a delete takes one
      // away, replacing a live record or purging tombstones changes nothing.
      `CREATE TRIGGER records_count_insert AFTER INSERT ON records WHEN NEW.deleted = 0
      BEGIN
        INSERT INTO collection_counts (resource, parent_id, live)
          VALUES (NEW.resource, NEW.parent_id, 1)
          ON CONFLICT (resource, parent_id) DO UPDATE SET live = live + 1;
      END`,
      `CREATE TRIGGER records_count_update AFTER UPDATE OF resource, parent_id, deleted ON records
        WHEN OLD.deleted IS NOT NEW.deleted OR OLD.resource IS NOT NEW.resource
          OR OLD.parent_id IS NOT NEW.parent_id
      BEGIN
        UPDATE collection_counts SET live = live - 1
          WHERE OLD.deleted = 0 AND resource = OLD.resource AND parent_id = OLD.parent_id;
        INSERT INTO collection_counts (resource, parent_id, live)
          SELECT NEW.resource, NEW.parent_id, 1 WHERE NEW.deleted = 0
          ON CONFLICT (resource, parent_id) DO UPDATE SET live = live + 1;
      END`,
      `CREATE TRIGGER records_count_delete AFTER DELETE ON records WHEN OLD.deleted = 0
      BEGIN
        UPDATE collection_counts SET live = live - 1
          WHERE resource = OLD.resource AND parent_id = OLD.parent_id;
      END`,
    ],
  },
];

export interface MigrationResult {
  /** The schema version before. `0` for a new database. */
  readonly from: number;
  /** The schema version now. */
  readonly to: number;
  /** The versions applied by this call, in order. */
  readonly applied: number[];
}

/**
 * Applies the pending `migrations` to `database` in one `BEGIN IMMEDIATE` transaction, so two
 * processes opening the same new file cannot both run them.
 *
 * @throws when the database was migrated past the last of `migrations`.
 */
export function applyMigrations(
  database: SqliteDatabase,
  migrations: readonly Migration[] = MIGRATIONS,
  clock: () => number = Date.now,
): MigrationResult {
  const latest = migrations.at(-1)?.version ?? 0;
  database.exec('BEGIN IMMEDIATE');
  try {
    database.exec(`CREATE TABLE IF NOT EXISTS pawl_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at INTEGER NOT NULL
    ) STRICT`);
    const row = database
      .prepare('SELECT coalesce(max(version), 0) AS version FROM pawl_migrations')
      .get() as { version: number };
    if (row.version > latest) {
      throw new Error(
        `The database schema is at version ${row.version}, newer than this @pawl/sqlite knows (${latest}); upgrade @pawl/sqlite.`,
      );
    }
    const record = database.prepare(
      'INSERT INTO pawl_migrations (version, name, applied_at) VALUES (?, ?, ?)',
    );
    const applied: number[] = [];
    for (const migration of migrations) {
      if (migration.version <= row.version) continue;
      for (const statement of migration.statements) database.exec(statement);
      record.run(migration.version, migration.name, clock());
      applied.push(migration.version);
    }
    database.exec('COMMIT');
    return { from: row.version, to: Math.max(row.version, latest), applied };
  } catch (error) {
    if (database.inTransaction) database.exec('ROLLBACK');
    throw error;
  }
}

/**
 * Brings the database file at `path` to the current schema (creating the file if needed) and
 * closes it. Storages do the same when they open; this is for operators who want to migrate
 * before deploying (`pawl-sqlite migrate <file>`).
 *
 * @example
 * ```ts
 * const { from, to } = migrate('./data.db');
 * console.log(`schema version ${from} -> ${to}`);
 * ```
 */
export function migrate(path: string): MigrationResult {
  const database = openDatabase(path);
  try {
    return applyMigrations(database);
  } finally {
    database.close();
  }
}
