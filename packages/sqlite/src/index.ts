/**
 * `@pawl/sqlite`: Pawl's embedded default, a storage backend on one SQLite database file
 * (better-sqlite3 through kysely).
 *
 * @module
 */

export type { PurgeOptions } from './purge.js';
export type { IndexDeclarations } from './schema/expression-indexes.js';
export { type MigrationResult, migrate } from './schema/migrations.js';
export { type SqliteBackends, sqlite } from './sqlite.js';
export {
  type QueryLog,
  type SqliteStorage,
  type SqliteStorageOptions,
  sqliteStorage,
} from './sqlite-storage.js';
