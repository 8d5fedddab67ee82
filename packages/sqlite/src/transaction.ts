/**
 * Write transactions on the one connection.
 *
 * better-sqlite3 is synchronous and kysely's SQLite driver lends its single connection to one
 * caller at a time, behind an async mutex: a transaction whose work awaits holds it from
 * `BEGIN IMMEDIATE` to `COMMIT`, and while it is open every other call on the connection
 * (reads in autocommit mode included) waits for it, so none sees uncommitted writes and no two
 * transactions interleave (see `connection.ts`, which also runs the statements of a call at
 * once when no transaction is open or waiting). Across processes, `BEGIN IMMEDIATE` takes
 * SQLite's write lock at once (waiting up to `busy_timeout` for another process to commit), so
 * a transaction that reads and then writes can never be overtaken between the two.
 *
 * @module
 */

import type { Statement } from './connection.js';

/** The statements that open and end a write transaction. */
export interface TransactionStatements {
  readonly begin: Statement;
  readonly commit: Statement;
  readonly rollback: Statement;
}

/**
 * Runs `work` inside `BEGIN IMMEDIATE` … `COMMIT`, or `ROLLBACK` when it throws (rethrowing
 * its error). The caller must hold the connection until the returned promise settles.
 */
export async function immediateTransaction<T>(
  statements: TransactionStatements,
  work: () => Promise<T>,
): Promise<T> {
  statements.begin.run();
  try {
    const result = await work();
    statements.commit.run();
    return result;
  } catch (error) {
    try {
      statements.rollback.run();
    } catch {
      // Some errors (a full disk, for one) end the transaction already; keep the original error.
    }
    throw error;
  }
}
