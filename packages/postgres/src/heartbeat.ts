/**
 * The heartbeat of a backend: real round trips, bounded in time, that never throw.
 *
 * @module
 */

import { sql } from 'kysely';
import type { Database } from './database.js';

/** Default bound of a heartbeat, in milliseconds. */
export const HEARTBEAT_TIMEOUT = 2_000;

/**
 * `true` when `ready` (pending migrations, if the backend applies them) and a read of the
 * schema's `pawl_migrations` complete within `timeout` milliseconds.
 */
export async function answers(
  database: Database,
  ready: () => Promise<void>,
  timeout: number,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeout);
  });
  const migrations = sql.id(database.schema, 'pawl_migrations');
  const check = ready()
    .then(() => sql`SELECT max(version) FROM ${migrations}`.execute(database.db))
    .then(
      () => true,
      () => false,
    );
  try {
    return await Promise.race([check, late]);
  } finally {
    clearTimeout(timer);
  }
}
