/**
 * `postgres()`: the backends `createApp` takes, on one PostgreSQL database and one pool.
 *
 * @module
 */

import type { CacheBackend, StorageBackend } from '@pawl/core';
import { type CacheOptions, cacheOn } from './cache/postgres-cache.js';
import { sharedPool } from './database.js';
import { type PostgresStorageOptions, storageOn } from './storage/postgres-storage.js';

export interface PostgresOptions extends PostgresStorageOptions {
  /** Options of the cache besides the connection. */
  readonly cache?: CacheOptions;
}

/** What `createApp({ backends })` takes. */
export interface PostgresBackends {
  storage: StorageBackend;
  cache: CacheBackend;
}

/**
 * The storage and cache of an app on one PostgreSQL database, sharing one pool, which ends when
 * both are closed.
 *
 * @example
 * ```ts
 * const app = createApp({
 *   project: { name: 'reading list', version: '1.0.0' },
 *   httpApiVersion: '1.0',
 *   resources: [articles],
 *   backends: postgres({ connectionString: process.env.DATABASE_URL, migrateOnStart: true }),
 * });
 * ```
 */
export function postgres(options: PostgresOptions): PostgresBackends {
  const pool = sharedPool(options);
  return {
    storage: storageOn(pool.open(), options),
    cache: cacheOn(pool.open(), { ...options.cache, migrateOnStart: options.migrateOnStart }),
  };
}
