/**
 * Write transactions on the one connection.
 *
 * better-sqlite3 is synchronous and kysely's SQLite driver lends its single connection to one
 * caller at a time, behind an async mutex: while a transaction holds it, every other call on
 * the storage (reads in autocommit mode included) waits, so none sees uncommitted writes and
 * no two transactions interleave. Across processes, `BEGIN IMMEDIATE` takes SQLite's write lock
 * at once (waiting up to `busy_timeout` for another process to commit), so a transaction that
 * reads and then writes can never be overtaken between the two. The permission and cache
 * backends of `sqlite()` take turns on the same connection: see `connection.ts`.
 *
 * @module
 */

import { type Kysely, sql } from 'kysely';
import type { Schema } from './schema/tables.js';

/**
 * Runs `work` on the connection inside `BEGIN IMMEDIATE` … `COMMIT`, or `ROLLBACK` when it
 * throws (rethrowing its error). Calling `database` itself from `work` deadlocks: use the
 * connection `work` receives.
 */
export function immediateTransaction<T>(
  database: Kysely<Schema>,
  work: (connection: Kysely<Schema>) => Promise<T>,
): Promise<T> {
  return database.connection().execute(async (connection) => {
    await sql`BEGIN IMMEDIATE`.execute(connection);
    try {
      const result = await work(connection);
      await sql`COMMIT`.execute(connection);
      return result;
    } catch (error) {
      // Some errors (a full disk, for one) end the transaction already; keep the original error.
      await sql`ROLLBACK`.execute(connection).catch(() => undefined);
      throw error;
    }
  });
}
