/**
 * `@pawl/postgres`: Pawl on PostgreSQL (pg through kysely), for apps that run several
 * processes on one database: storage, permission and cache backends, and their migrations.
 *
 * @module
 */

export {
  type CacheOptions,
  type PostgresCacheOptions,
  postgresCache,
} from './cache/postgres-cache.js';
export { type ConnectionOptions, POOL_DEFAULTS } from './database.js';
export {
  type PermissionOptions,
  type PostgresPermissionOptions,
  postgresPermission,
} from './permission/postgres-permission.js';
export { type PostgresBackends, type PostgresOptions, postgres } from './postgres.js';
export type { IndexDeclarations } from './schema/expression-indexes.js';
export { type MigrationResult, migrate } from './schema/migrations.js';
export {
  type PostgresStorage,
  type PostgresStorageOptions,
  postgresStorage,
} from './storage/postgres-storage.js';
export type { PurgeOptions } from './storage/purge.js';
