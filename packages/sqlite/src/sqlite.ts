/**
 * `sqlite()`: the backends `createApp` takes, on one SQLite database file and one connection.
 *
 * @module
 */

import type { CacheBackend, PermissionBackend } from '@pawl/core';
import { withConnection } from './connection.js';
import { cacheOn } from './sqlite-cache.js';
import { permissionOn } from './sqlite-permission.js';
import { type SqliteStorage, type SqliteStorageOptions, storageOn } from './sqlite-storage.js';

/** What `createApp({ backends })` takes. */
export interface SqliteBackends {
  storage: SqliteStorage;
  permission: PermissionBackend;
  cache: CacheBackend;
}

/**
 * The storage, permission and cache backends of an app, on the SQLite file `options.path`
 * (whose cache entries expire by `options.clock` too). They share one connection, so that
 * the permissions of a record are written in the transaction that writes the record. The file
 * closes once all three are closed.
 *
 * @example
 * ```ts
 * const backends = sqlite({ path: './data.db', indexes: { articles: ['unread'] } });
 * const app = createApp({
 *   project: { name: 'reading list', version: '1.0.0' },
 *   httpApiVersion: '1.0',
 *   resources: [articles],
 *   backends,
 * });
 * // On shutdown:
 * await Promise.all([backends.storage.close(), backends.permission.close(), backends.cache.close()]);
 * ```
 */
export function sqlite(options: SqliteStorageOptions): SqliteBackends {
  return withConnection(options, (connection) => ({
    storage: storageOn(connection, options),
    permission: permissionOn(connection),
    cache: cacheOn(connection, { clock: options.clock }),
  }));
}
