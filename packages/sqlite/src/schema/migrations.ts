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
