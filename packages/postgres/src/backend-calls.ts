/**
 * How the permission and cache backends run their statements: once the schema is ready, with
 * database failures turned into `BackendError`s, on the connection of the storage transaction
 * the caller runs inside (see `database.ts`), else on the pool.
 *
 * @module
 */

import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import { guard } from './errors.js';
import { migrationsOnce } from './schema/migrations.js';
import type { Tables } from './schema/tables.js';

export interface BackendCalls {
  /** Resolves once the migrations are applied (at once without `migrateOnStart`). */
  readonly ready: () => Promise<void>;
  /** Runs `statement` once the schema is ready, its failures as `BackendError`s. */
  run<T>(statement: () => Promise<T>): Promise<T>;
  /** What to run a statement on: the running storage transaction's connection, or the pool. */
  executor(): Kysely<Tables>;
}

export function backendCalls(
  database: Database,
  migrateOnStart: boolean | undefined,
): BackendCalls {
  const ready = migrateOnStart ? migrationsOnce(database) : async () => {};
  return {
    ready,
    async run(statement) {
      await ready();
      return guard(statement());
    },
    executor: () => database.transactionConnection() ?? database.db,
  };
}
