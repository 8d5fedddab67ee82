/**
 * `@pawl/postgres`: Pawl on PostgreSQL (pg through kysely), for apps that run several
 * processes on one database: a storage backend, a cache backend and their migrations.
 *
 * @module
 */

export {
  type CacheOptions,
  type PostgresCacheOptions,
  postgresCache,
} from './cache/postgres-cache.js';
export { type ConnectionOptions, POOL_DEFAULTS } from './database.js';
export { type PostgresBackends, type PostgresOptions, postgres } from './postgres.js';
export { type MigrationResult, migrate } from './schema/migrations.js';
export { type PostgresStorageOptions, postgresStorage } from './storage/postgres-storage.js';
