/**
 * `@pawl/sqlite`: Pawl's embedded default, the storage, permission and cache backends on one
 * SQLite database file (better-sqlite3 through kysely).
 *
 * @module
 */

export type { QueryLog, SqliteConnectionOptions } from './connection.js';
export type { PurgeOptions } from './purge.js';
export type { IndexDeclarations } from './schema/expression-indexes.js';
export { type MigrationResult, migrate } from './schema/migrations.js';
export { type SqliteBackends, sqlite } from './sqlite.js';
export { type SqliteCacheOptions, sqliteCache } from './sqlite-cache.js';
export { sqlitePermission } from './sqlite-permission.js';
export {
  type SqliteStorage,
  type SqliteStorageOptions,
  sqliteStorage,
} from './sqlite-storage.js';
