/**
 * Numbered schema migrations, recorded in `pawl_migrations`. `migrate()` (and
 * `pawl-postgres migrate`) applies the pending ones ahead of a deploy; backends created with
 * `migrateOnStart: true` do the same before their first statement.
 *
 * Migrations run in one transaction holding a transaction-level advisory lock on the schema,
 * so processes that start at once take turns: the first applies them, the others find nothing
 * left to do. Migrations only ever append, and a schema migrated past what this version knows
 * is refused.
 *
 * @module
 */

import { type Kysely, sql } from 'kysely';
import { type ConnectionOptions, type Database, sharedPool } from '../database.js';
import { guard } from '../errors.js';
import type { Tables } from './tables.js';

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
      // Text compared with the "C" collation: byte order of UTF-8, i.e. code point order.
      `CREATE TABLE records (
        resource text COLLATE "C" NOT NULL,
        parent_id text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        last_modified bigint NOT NULL,
        deleted boolean NOT NULL DEFAULT FALSE,
        data jsonb NOT NULL,
        PRIMARY KEY (resource, parent_id, id)
      )`,
      // `_since` polling and the default sort (`-last_modified`, then `id`) read this index.
      'CREATE INDEX records_last_modified ON records (resource, parent_id, last_modified, id)',
      `CREATE TABLE timestamps (
        resource text COLLATE "C" NOT NULL,
        parent_id text COLLATE "C" NOT NULL,
        last_modified bigint NOT NULL,
        PRIMARY KEY (resource, parent_id)
      )`,
    ],
  },
  {
    version: 2,
    name: 'cache',
    statements: [
      `CREATE UNLOGGED TABLE cache (
        key text COLLATE "C" PRIMARY KEY,
        value jsonb NOT NULL,
        expires_at timestamptz NOT NULL
      )`,
      'CREATE INDEX cache_expires_at ON cache (expires_at)',
    ],
  },
  {
    version: 3,
    name: 'permissions',
    statements: [
      // Object ids in "C" order: the objects below `/a` are those between `/a/` and `/a0`.
      `CREATE TABLE permissions (
        object_id text COLLATE "C" NOT NULL,
        permission text COLLATE "C" NOT NULL,
        principal text COLLATE "C" NOT NULL,
        PRIMARY KEY (object_id, permission, principal)
      )`,
    ],
  },
  {
    version: 4,
    name: 'tombstone index for purging',
    statements: [
      'CREATE INDEX records_tombstones ON records (resource, parent_id, last_modified) WHERE deleted',
    ],
  },
  {
    version: 5,
    name: 'live record counts',
    statements: [
      `CREATE TABLE collection_counts (
        resource text COLLATE "C" NOT NULL,
        parent_id text COLLATE "C" NOT NULL,
        live bigint NOT NULL,
        PRIMARY KEY (resource, parent_id)
      )`,
      // Keeps the counts in the transaction of every change to `records`, whoever makes it: a
      // new record or one written over a tombstone adds one, a deletion takes one away. Once
      // per statement, from its transition tables: a row of `collection_counts` updated once
      // per row would pile up a version per row written in one transaction, each update
      // walking past the previous ones. Its search path is the schema migrated, whatever the
      // writer's.
      `CREATE FUNCTION count_live_records() RETURNS trigger LANGUAGE plpgsql
      SET search_path FROM CURRENT AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO collection_counts AS c (resource, parent_id, live)
            SELECT resource, parent_id, count(*) FROM new_rows WHERE NOT deleted
            GROUP BY resource, parent_id
            ON CONFLICT (resource, parent_id) DO UPDATE SET live = c.live + EXCLUDED.live;
        ELSIF TG_OP = 'UPDATE' THEN
          -- Replacing a live record changes nothing, and writes nothing.
          INSERT INTO collection_counts AS c (resource, parent_id, live)
            SELECT resource, parent_id, sum(change) FROM (
              SELECT resource, parent_id, 1 AS change FROM new_rows WHERE NOT deleted
              UNION ALL
              SELECT resource, parent_id, -1 FROM old_rows WHERE NOT deleted
            ) AS changes
            GROUP BY resource, parent_id HAVING sum(change) <> 0
            ON CONFLICT (resource, parent_id) DO UPDATE SET live = c.live + EXCLUDED.live;
        ELSE
          -- Purging tombstones changes nothing, and writes nothing.
          UPDATE collection_counts AS c SET live = c.live - gone.live
            FROM (
              SELECT resource, parent_id, count(*) AS live FROM old_rows WHERE NOT deleted
              GROUP BY resource, parent_id
            ) AS gone
            WHERE c.resource = gone.resource AND c.parent_id = gone.parent_id;
        END IF;
        RETURN NULL;
      END $$`,
      `CREATE TRIGGER records_count_insert AFTER INSERT ON records
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION count_live_records()`,
      `CREATE TRIGGER records_count_update AFTER UPDATE ON records
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION count_live_records()`,
      `CREATE TRIGGER records_count_delete AFTER DELETE ON records
        REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION count_live_records()`,
      // After the triggers: creating them locked `records` against writes until this
      // transaction commits, so the counts start from every committed write and miss none.
      `INSERT INTO collection_counts (resource, parent_id, live)
        SELECT resource, parent_id, count(*) FROM records WHERE NOT deleted
        GROUP BY resource, parent_id`,
    ],
  },
];

/**
 * Takes the advisory lock on `schema` that migrations hold, and expression indexes are created
 * under, until the transaction of `trx` ends: processes changing the schema take turns.
 */
export async function lockSchema(trx: Kysely<Tables>, schema: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`pawl_migrations:${schema}`}, 0))`.execute(
    trx,
  );
}

export interface MigrationResult {
  /** The schema version before. `0` for a new schema. */
  readonly from: number;
  /** The schema version now. */
  readonly to: number;
  /** The versions applied by this call, in order. */
  readonly applied: number[];
}

/**
 * Applies the pending `migrations` to `schema` (created when missing), in one transaction under
 * an advisory lock keyed by the schema name.
 *
 * @throws when the schema was migrated past the last of `migrations`.
 */
export async function applyMigrations(
  database: Kysely<Tables>,
  schema: string,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationResult> {
  const latest = migrations.at(-1)?.version ?? 0;
  const result = await guard(
    database.transaction().execute(async (trx): Promise<MigrationResult> => {
      await lockSchema(trx, schema);
      // Checked first: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when it exists.
      const exists = await sql`SELECT 1 FROM pg_namespace WHERE nspname = ${schema}`.execute(trx);
      if (exists.rows.length === 0) await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(trx);
      await sql`SELECT set_config('search_path', quote_ident(${schema}), true)`.execute(trx);
      await sql`CREATE TABLE IF NOT EXISTS pawl_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`.execute(trx);
      const { rows } = await sql<{
        version: number;
      }>`SELECT coalesce(max(version), 0) AS version FROM pawl_migrations`.execute(trx);
      const from = rows[0]?.version ?? 0;
      const applied: number[] = [];
      if (from > latest) return { from, to: from, applied };
      for (const migration of migrations) {
        if (migration.version <= from) continue;
        for (const statement of migration.statements) await sql.raw(statement).execute(trx);
        await sql`INSERT INTO pawl_migrations (version, name) VALUES (${migration.version}, ${migration.name})`.execute(
          trx,
        );
        applied.push(migration.version);
      }
      return { from, to: Math.max(from, latest), applied };
    }),
  );
  if (result.from > latest) {
    throw new Error(
      `The schema ${schema} is at version ${result.from}, newer than this @pawl/postgres knows (${latest}); upgrade @pawl/postgres.`,
    );
  }
  return result;
}

/**
 * The migrations applied once for every backend on `database`'s pool: storage, permissions and
 * cache share them, so that a backend called inside a storage transaction finds them done.
 */
export function migrationsOnce(database: Database): () => Promise<void> {
  return database.once('migrations', () => applyMigrations(database.db, database.schema));
}

/**
 * Brings the schema to the current version.
 *
 * @example
 * ```ts
 * const { from, to } = await migrate({ connectionString: process.env.DATABASE_URL });
 * console.log(`schema version ${from} -> ${to}`);
 * ```
 */
export async function migrate(options: ConnectionOptions): Promise<MigrationResult> {
  const database = sharedPool(options).open();
  try {
    return await applyMigrations(database.db, database.schema);
  } finally {
    await database.close();
  }
}
