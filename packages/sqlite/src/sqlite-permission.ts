/**
 * The SQLite permission backend: one row of the table `permissions` per object, permission
 * and principal.
 *
 * Object ids are paths (`/users/u1/articles/a1`), and "below an object" is a range of ids:
 * those starting with `<id>/` are the ids from `<id>/` (inclusive) to `<id>0` (exclusive),
 * `'0'` being the character after `'/'` and SQLite comparing text byte by byte. Every id,
 * principal and permission is a bound parameter; none is ever a `LIKE` pattern.
 *
 * Calls run their statements synchronously on the connection they share with the storage,
 * inside the storage transaction of the current request when there is one (see
 * `connection.ts`), so that a record and its permissions are written together.
 *
 * @module
 */

import type { PermissionBackend, Permissions } from '@pawl/core';
import {
  type Connection,
  closedError,
  type SqliteConnectionOptions,
  withConnection,
} from './connection.js';

/** The permission backend on `connection`. */
export function permissionOn(connection: Connection): PermissionBackend {
  const lease = connection.lease();
  const ofObject = connection.prepare(
    'SELECT permission, principal FROM permissions WHERE object_id = ?',
  );
  const clear = connection.prepare(
    'DELETE FROM permissions WHERE object_id = ? AND permission = ?',
  );
  const grant = connection.prepare(
    'INSERT OR IGNORE INTO permissions (object_id, permission, principal) VALUES (?, ?, ?)',
  );
  const removeObject = connection.prepare('DELETE FROM permissions WHERE object_id = ?');
  const removeBelow = connection.prepare(
    `DELETE FROM permissions WHERE object_id >= (? || '/') AND object_id < (? || '0')`,
  );
  // The ids below the parent path, then only those without a '/' (byte 0x2F, which no other
  // character's UTF-8 bytes contain) after its bytes and the slash that follows them.
  const directlyBelow = connection.prepare(
    `SELECT object_id FROM permissions
      WHERE principal = ? AND permission = ?
        AND object_id >= (? || '/') AND object_id < (? || '0')
        AND instr(substr(CAST(object_id AS BLOB), length(CAST(? AS BLOB)) + 2), X'2F') = 0`,
  );

  function checkOpen(): void {
    if (lease.closed) throw closedError('permission backend');
  }

  return {
    name: 'sqlite',

    async get(objectIds) {
      checkOpen();
      return connection.read(() => {
        const found = new Map<string, Permissions>();
        for (const objectId of objectIds) {
          if (found.has(objectId)) continue;
          const rows = ofObject.all(objectId) as Array<{ permission: string; principal: string }>;
          if (rows.length === 0) continue;
          const byPermission = new Map<string, string[]>();
          for (const { permission, principal } of rows) {
            const principals = byPermission.get(permission);
            if (principals) principals.push(principal);
            else byPermission.set(permission, [principal]);
          }
          found.set(objectId, Object.fromEntries(byPermission));
        }
        return found;
      });
    },

    async set(objectId, permissions) {
      checkOpen();
      await connection.write(() => {
        for (const [permission, principals] of Object.entries(permissions)) {
          clear.run(objectId, permission);
          for (const principal of principals) grant.run(objectId, permission, principal);
        }
      });
    },

    async delete(objectIds) {
      checkOpen();
      await connection.write(() => {
        for (const objectId of objectIds) {
          removeObject.run(objectId);
          removeBelow.run(objectId, objectId);
        }
      });
    },

    async accessible(parentPath, principals, permissions) {
      checkOpen();
      return connection.read(() => {
        const found = new Set<string>();
        for (const principal of principals) {
          for (const permission of permissions) {
            const rows = directlyBelow.all(
              principal,
              permission,
              parentPath,
              parentPath,
              parentPath,
            ) as Array<{ object_id: string }>;
            for (const row of rows) found.add(row.object_id);
          }
        }
        return [...found].sort();
      });
    },

    heartbeat: async () => !lease.closed && (await connection.heartbeat()),
    close: () => lease.close(),
  };
}

/**
 * A permission backend on its own connection to the file `options.path`. Beside a storage on
 * the same file in the same process, open both with `sqlite()` instead: they must share one
 * connection (see `connection.ts`).
 */
export function sqlitePermission(options: SqliteConnectionOptions): PermissionBackend {
  return withConnection(options, permissionOn);
}
