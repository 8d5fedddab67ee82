/**
 * `postgres()`: the backends `createApp` takes, on one PostgreSQL database and one pool.
 *
 * @module
 */

import type { CacheBackend, PermissionBackend } from '@pawl/core';
import { type CacheOptions, cacheOn } from './cache/postgres-cache.js';
import { sharedPool } from './database.js';
import { permissionOn } from './permission/postgres-permission.js';
import {
  type PostgresStorage,
  type PostgresStorageOptions,
  storageOn,
} from './storage/postgres-storage.js';

export interface PostgresOptions extends PostgresStorageOptions {
  /** Options of the cache besides the connection. */
  readonly cache?: Omit<CacheOptions, 'migrateOnStart'>;
}

/** What `createApp({ backends })` takes. */
export interface PostgresBackends {
  storage: PostgresStorage;
  permission: PermissionBackend;
  cache: CacheBackend;
}

/**
 * The storage, permissions and cache of an app on one PostgreSQL database, sharing one pool,
 * which ends when all three are closed. `options.indexes` declares the fields of records to
 * index (see `PostgresStorageOptions`).
 *
 * @example
 * ```ts
 * const app = createApp({
 *   project: { name: 'reading list', version: '1.0.0' },
 *   httpApiVersion: '1.0',
 *   resources: [articles],
 *   backends: postgres({
 *     connectionString: process.env.DATABASE_URL,
 *     migrateOnStart: true,
 *     indexes: { articles: ['unread', 'stored_on'] },
 *   }),
 * });
 * ```
 */
export function postgres(options: PostgresOptions): PostgresBackends {
  const pool = sharedPool(options);
  const { migrateOnStart, heartbeatTimeout } = options;
  return {
    storage: storageOn(pool.open(), options),
    permission: permissionOn(pool.open(), { migrateOnStart, heartbeatTimeout }),
    cache: cacheOn(pool.open(), { heartbeatTimeout, ...options.cache, migrateOnStart }),
  };
}
