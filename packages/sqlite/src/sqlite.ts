/**
 * `sqlite()`: the backends `createApp` takes, on one SQLite database file.
 *
 * @module
 */

import { type SqliteStorage, type SqliteStorageOptions, sqliteStorage } from './sqlite-storage.js';

/** What `createApp({ backends })` takes. */
export interface SqliteBackends {
  storage: SqliteStorage;
}

/**
 * The backends of an app on the SQLite file `options.path`.
 *
 * @example
 * ```ts
 * const app = createApp({
 *   project: { name: 'reading list', version: '1.0.0' },
 *   httpApiVersion: '1.0',
 *   resources: [articles],
 *   backends: sqlite({ path: './data.db', indexes: { articles: ['unread'] } }),
 * });
 * ```
 */
export function sqlite(options: SqliteStorageOptions): SqliteBackends {
  return { storage: sqliteStorage(options) };
}
