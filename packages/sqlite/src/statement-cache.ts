/**
 * A cache of prepared statements in front of the connection. kysely prepares every query it
 * runs; preparing costs more than running the short statements of a write, so statements are
 * kept by SQL text (least recently used out first) and run again with new parameters.
 *
 * Reuse is safe because every statement runs to completion synchronously (`all` or `run`)
 * before another one starts.
 *
 * @module
 */

import { reportingFailures } from './backend-errors.js';
import type { SqliteDatabase, SqliteStatement } from './database.js';

/** What kysely's SQLite dialect needs of a database. */
export interface PreparingDatabase {
  prepare(sql: string): SqliteStatement;
  close(): void;
}

export function cacheStatements(database: SqliteDatabase, capacity = 200): PreparingDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    prepare(sql) {
      const cached = statements.get(sql);
      if (cached) {
        statements.delete(sql);
        statements.set(sql, cached);
        return cached;
      }
      const statement = reportingFailures(database.prepare(sql));
      statements.set(sql, statement);
      if (statements.size > capacity) {
        const oldest = statements.keys().next();
        if (!oldest.done) statements.delete(oldest.value);
      }
      return statement;
    },
    close() {
      statements.clear();
      database.close();
    },
  };
}
