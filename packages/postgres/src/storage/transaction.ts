/**
 * Transactions on one pooled connection: `BEGIN` … `COMMIT`, or `ROLLBACK` when the work throws.
 * Read committed, with each collection locked (its `timestamps` row, `FOR UPDATE`) the first
 * time the transaction touches it, read or write: from then on no other writer can change that
 * collection until this transaction ends, so a read-then-write (an `If-Match` check, then the
 * update) cannot lose an update made in between.
 *
 * @module
 */

import type { CollectionRef, StorageSession } from '@pawl/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../database.js';
import { backendFailure } from '../errors.js';
import type { Tables } from '../schema/tables.js';
import { createSession, type SessionContext } from './session.js';

/**
 * Locks the row of `ref` in `timestamps` until the transaction ends, creating it (with
 * timestamp 0, the value of a never-written collection) when missing and `create` is set.
 */
async function lockCollection(
  connection: Kysely<Tables>,
  database: Database,
  ref: CollectionRef,
  create: boolean,
) {
  const { timestamps } = database.tables;
  const where = sql`resource = ${ref.resource} AND parent_id = ${ref.parentId}`;
  const locked = await sql`SELECT 1 FROM ${timestamps} WHERE ${where} FOR UPDATE`.execute(
    connection,
  );
  if (locked.rows.length > 0 || !create) return;
  // A row inserted here is this transaction's until it commits; if another transaction inserted
  // it first, the insert waits for that one to end, and the row is then locked like any other.
  const inserted = await sql`INSERT INTO ${timestamps} (resource, parent_id, last_modified)
    VALUES (${ref.resource}, ${ref.parentId}, 0) ON CONFLICT DO NOTHING RETURNING 1`.execute(
    connection,
  );
  if (inserted.rows.length === 0) {
    await sql`SELECT 1 FROM ${timestamps} WHERE ${where} FOR UPDATE`.execute(connection);
  }
}

/**
 * Runs `work` in a transaction on one connection of `database`'s pool. With `create` unset,
 * collections never written are not locked (the transaction must not write to them).
 */
export async function runTransaction<T>(
  database: Database,
  context: SessionContext,
  work: (session: StorageSession) => Promise<T>,
  create = true,
): Promise<T> {
  // Cache writes made inside, which run once the connection is back in the pool (see
  // `database.ts`); a cache is best effort, so their failures are dropped.
  const afterwards: Array<() => Promise<unknown>> = [];
  try {
    return await database.db.connection().execute(async (connection) => {
      const locked = new Set<string>();
      const session = createSession(connection, context, async (ref) => {
        const key = JSON.stringify([ref.resource, ref.parentId]);
        if (locked.has(key)) return;
        await lockCollection(connection, database, ref, create);
        locked.add(key);
      });
      await sql`BEGIN`.execute(connection);
      let result: T;
      try {
        result = await database.insideTransaction(connection, afterwards, () => work(session));
      } catch (error) {
        // A lost connection ends the transaction already: keep the work's own error.
        await sql`ROLLBACK`.execute(connection).catch(() => undefined);
        throw new WorkFailure(error);
      }
      const { rows } = await sql<{ command?: string }>`COMMIT`.execute(connection);
      // PostgreSQL ends a transaction in which a statement failed with ROLLBACK, even on COMMIT.
      if (rows[0]?.command === 'ROLLBACK') {
        throw new Error('The transaction was rolled back: one of its statements failed');
      }
      return result;
    });
  } catch (error) {
    throw error instanceof WorkFailure ? error.failure : backendFailure(error);
  } finally {
    for (const write of afterwards) await write().catch(() => undefined);
  }
}

/** Wraps the work's own error, which is rethrown as it is. */
class WorkFailure {
  constructor(readonly failure: unknown) {}
}
