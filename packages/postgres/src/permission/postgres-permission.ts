/**
 * The PostgreSQL permission backend: who may do what on each object, one row per principal
 * granted a permission, shared by every process of an app.
 *
 * @module
 */

import type { PermissionBackend, Permissions } from '@pawl/core';
import { type Kysely, type SqlBool, sql } from 'kysely';
import { backendCalls } from '../backend-calls.js';
import { type ConnectionOptions, type Database, sharedPool } from '../database.js';
import { answers, HEARTBEAT_TIMEOUT } from '../heartbeat.js';
import type { Tables } from '../schema/tables.js';

/** The options of the permission backend besides the connection. */
export interface PermissionOptions {
  /** Applies pending migrations before the first statement (see `postgresStorage`). */
  readonly migrateOnStart?: boolean;
  /** How long `heartbeat()` waits, in milliseconds. Default 2000. */
  readonly heartbeatTimeout?: number;
}

export interface PostgresPermissionOptions extends ConnectionOptions, PermissionOptions {}

/**
 * The objects strictly below `objectId` (`<objectId>/...`): a range of the primary key, since
 * `/` is followed by `0` in byte order.
 */
function below(objectId: string) {
  return sql<SqlBool>`(object_id > ${`${objectId}/`} AND object_id < ${`${objectId}0`})`;
}

/** The permission backend on an open `database`; closing it closes the database. */
export function permissionOn(database: Database, options: PermissionOptions): PermissionBackend {
  const { db, tables } = database;
  const { ready, run, executor } = backendCalls(database, options.migrateOnStart);

  return {
    name: 'postgresql',

    get: (objectIds) =>
      run(async () => {
        const { rows } = await sql<{ object_id: string; permission: string; principal: string }>`
          SELECT object_id, permission, principal FROM ${tables.permissions}
          WHERE object_id = ANY(${[...objectIds]}::text[])`.execute(executor());
        const found = new Map<string, Permissions>();
        for (const { object_id, permission, principal } of rows) {
          const permissions = found.get(object_id) ?? {};
          permissions[permission] = [...(permissions[permission] ?? []), principal];
          found.set(object_id, permissions);
        }
        return found;
      }),

    async set(objectId, permissions) {
      const names = Object.keys(permissions);
      const grants = Object.entries(permissions).flatMap(([permission, principals]) =>
        principals.map((principal) => [permission, principal]),
      );
      // Writers of one object take turns, so that each replaces what the previous one wrote.
      const replace = async (trx: Kysely<Tables>) => {
        await sql`SELECT pg_advisory_xact_lock(hashtextextended(${objectId}, 0))`.execute(trx);
        await sql`DELETE FROM ${tables.permissions}
          WHERE object_id = ${objectId} AND permission = ANY(${names}::text[])`.execute(trx);
        if (grants.length === 0) return;
        await sql`INSERT INTO ${tables.permissions} (object_id, permission, principal)
          SELECT ${objectId}, grant_.permission, grant_.principal
          FROM unnest(${grants.map(([p]) => p)}::text[], ${grants.map(([, p]) => p)}::text[])
            AS grant_(permission, principal)
          ON CONFLICT DO NOTHING`.execute(trx);
      };
      const open = database.transactionConnection();
      await run(() => (open ? replace(open) : db.transaction().execute(replace)));
    },

    async delete(objectIds) {
      if (objectIds.length === 0) return;
      const targets = objectIds.map((id) => sql<SqlBool>`(object_id = ${id} OR ${below(id)})`);
      await run(() =>
        sql`DELETE FROM ${tables.permissions} WHERE ${sql.join(targets, sql` OR `)}`.execute(
          executor(),
        ),
      );
    },

    accessible: (parentPath, principals, permissions) =>
      run(async () => {
        const { rows } = await sql<{ object_id: string }>`
          SELECT DISTINCT object_id FROM ${tables.permissions}
          WHERE ${below(parentPath)}
            AND strpos(substr(object_id, length(${parentPath}) + 2), '/') = 0
            AND permission = ANY(${[...permissions]}::text[])
            AND principal = ANY(${[...principals]}::text[])
          ORDER BY object_id`.execute(executor());
        return rows.map((row) => row.object_id);
      }),

    heartbeat: () => answers(database, ready, options.heartbeatTimeout ?? HEARTBEAT_TIMEOUT),
    close: () => database.close(),
  };
}

/**
 * A permission backend on PostgreSQL, so that records shared with other users stay shared
 * across every process and restart.
 *
 * @example
 * ```ts
 * const permission = postgresPermission({ connectionString: process.env.DATABASE_URL });
 * await permission.set('/articles/a1', { read: ['system.Everyone'] });
 * ```
 */
export function postgresPermission(options: PostgresPermissionOptions): PermissionBackend {
  return permissionOn(sharedPool(options).open(), options);
}
