/**
 * The PostgreSQL cache backend: an unlogged table of JSON values with expiry times, shared by
 * every process of an app. Unlogged tables skip the write-ahead log: writes are cheaper, and a
 * crash of the server empties the table, which a cache can afford.
 *
 * @module
 */

import type { CacheBackend, JsonValue } from '@pawl/core';
import { sql } from 'kysely';
import { backendCalls } from '../backend-calls.js';
import { type ConnectionOptions, type Database, sharedPool } from '../database.js';
import { answers, HEARTBEAT_TIMEOUT } from '../heartbeat.js';

/** The options of the cache besides the connection. */
export interface CacheOptions {
  /** Applies pending migrations before the first statement (see `postgresStorage`). */
  readonly migrateOnStart?: boolean;
  /** How often expired entries are deleted, in milliseconds. Default 60 000. */
  readonly purgeInterval?: number;
  /** How long `heartbeat()` waits, in milliseconds. Default 2000. */
  readonly heartbeatTimeout?: number;
}

export interface PostgresCacheOptions extends ConnectionOptions, CacheOptions {}

function checkTtl(ttlSeconds: number): void {
  if (!(ttlSeconds > 0)) throw new RangeError('ttlSeconds must be a positive number');
}

/** The cache on an open `database`; closing it closes the database. */
export function cacheOn(database: Database, options: CacheOptions): CacheBackend {
  const { db, tables } = database;
  const { ready, run, executor } = backendCalls(database, options.migrateOnStart);
  const expiry = (ttlSeconds: number) =>
    sql`clock_timestamp() + make_interval(secs => ${ttlSeconds}::double precision)`;

  // Expired entries are never read; this only reclaims their space.
  const purge = setInterval(() => {
    sql`DELETE FROM ${tables.cache} WHERE expires_at <= clock_timestamp()`
      .execute(db)
      .catch(() => undefined);
  }, options.purgeInterval ?? 60_000);
  purge.unref();

  return {
    name: 'postgresql',

    get: (key) =>
      run(async () => {
        const { rows } = await sql<{ value: JsonValue }>`SELECT value FROM ${tables.cache}
          WHERE key = ${key} AND expires_at > clock_timestamp()`.execute(executor());
        return rows[0]?.value ?? null;
      }),

    async set(key, value, ttlSeconds) {
      checkTtl(ttlSeconds);
      const write = () =>
        run(() =>
          sql`INSERT INTO ${tables.cache} (key, value, expires_at)
            VALUES (${key}, ${JSON.stringify(value)}::jsonb, ${expiry(ttlSeconds)})
            ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at`.execute(
            executor(),
          ),
        );
      // Inside a storage transaction, after it (see `database.ts`).
      if (!database.deferWrite(write)) await write();
    },

    async delete(key) {
      const write = () =>
        run(() => sql`DELETE FROM ${tables.cache} WHERE key = ${key}`.execute(executor()));
      if (!database.deferWrite(write)) await write();
    },

    async increment(key, by, ttlSeconds) {
      checkTtl(ttlSeconds);
      // One statement: the row lock of the upsert makes concurrent increments take turns. An
      // expired entry counts as missing, so the key starts again from `by` with a new expiry.
      const { rows } = await run(() =>
        sql<{ value: number }>`INSERT INTO ${tables.cache} AS c (key, value, expires_at)
          VALUES (${key}, to_jsonb(${by}::numeric), ${expiry(ttlSeconds)})
          ON CONFLICT (key) DO UPDATE SET
            value = CASE WHEN c.expires_at <= clock_timestamp() THEN EXCLUDED.value
              ELSE to_jsonb((c.value)::numeric + ${by}::numeric) END,
            expires_at = CASE WHEN c.expires_at <= clock_timestamp() THEN EXCLUDED.expires_at
              ELSE c.expires_at END
          RETURNING value`.execute(executor()),
      );
      return Number(rows[0]?.value);
    },

    heartbeat: () => answers(database, ready, options.heartbeatTimeout ?? HEARTBEAT_TIMEOUT),

    async close() {
      clearInterval(purge);
      await database.close();
    },
  };
}

/**
 * A cache backend on PostgreSQL, for apps that run several processes without Redis.
 *
 * @example
 * ```ts
 * const cache = postgresCache({ connectionString: process.env.DATABASE_URL });
 * await cache.set('greeting', { text: 'hello' }, 60);
 * ```
 */
export function postgresCache(options: PostgresCacheOptions): CacheBackend {
  return cacheOn(sharedPool(options).open(), options);
}
