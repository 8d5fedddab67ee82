/**
 * The SQLite cache backend: the table `cache`, one row per key with its JSON value and the
 * time it expires at. Reads ignore expired rows; a timer that does not keep the process alive
 * deletes them now and then.
 *
 * Calls run their statements synchronously on the connection they share with the storage
 * (see `connection.ts`), so an increment, which reads then writes, is atomic in the process,
 * and its `BEGIN IMMEDIATE` makes it atomic across processes on the same file too.
 *
 * @module
 */

import type { CacheBackend, JsonValue } from '@pawl/core';
import {
  type Connection,
  closedError,
  type SqliteConnectionOptions,
  withConnection,
} from './connection.js';

export interface CacheOptions {
  /** The source of time, in milliseconds. Defaults to `Date.now`. */
  readonly clock?: () => number;
  /** How often expired entries are deleted, in seconds. Default 60. */
  readonly purgeInterval?: number;
}

export interface SqliteCacheOptions extends SqliteConnectionOptions, CacheOptions {}

/** The default `purgeInterval`, in seconds. */
const PURGE_INTERVAL = 60;

/** The cache on `connection`. */
export function cacheOn(connection: Connection, options: CacheOptions = {}): CacheBackend {
  const clock = options.clock ?? Date.now;
  const purgeInterval = options.purgeInterval ?? PURGE_INTERVAL;
  if (!(purgeInterval > 0 && purgeInterval * 1000 <= 2 ** 31 - 1)) {
    throw new RangeError('purgeInterval must be a positive number of seconds, below 24 days');
  }
  const lookup = connection.prepare('SELECT value FROM cache WHERE key = ? AND expires_at > ?');
  const store = connection.prepare(
    `INSERT INTO cache (key, value, expires_at) VALUES (?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
  );
  const replace = connection.prepare('UPDATE cache SET value = ? WHERE key = ?');
  const remove = connection.prepare('DELETE FROM cache WHERE key = ?');
  const anyExpired = connection.prepare('SELECT 1 FROM cache WHERE expires_at <= ? LIMIT 1');
  const purge = connection.prepare('DELETE FROM cache WHERE expires_at <= ?');
  const lease = connection.lease();

  function checkOpen(): void {
    if (lease.closed) throw closedError('cache');
  }

  /** The live value under `key`, `undefined` when missing or expired. */
  function live(key: string): JsonValue | undefined {
    const row = lookup.get(key, clock()) as { value: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.value) as JsonValue);
  }

  function put(key: string, value: JsonValue, ttlSeconds: number): void {
    if (!(ttlSeconds > 0)) throw new RangeError('ttlSeconds must be a positive number');
    store.run(key, JSON.stringify(value), clock() + ttlSeconds * 1000);
  }

  async function purgeExpired(): Promise<void> {
    const now = clock();
    if (await connection.read(() => anyExpired.get(now))) {
      await connection.write(() => purge.run(now));
    }
  }

  const timer = setInterval(() => {
    // A purge that fails (the file busy in another process beyond the busy timeout) is
    // retried at the next tick; expired entries are never read meanwhile.
    purgeExpired().catch(() => undefined);
  }, purgeInterval * 1000);
  timer.unref();

  return {
    name: 'sqlite',

    async get(key) {
      checkOpen();
      return (await connection.read(() => live(key))) ?? null;
    },

    async set(key, value, ttlSeconds) {
      checkOpen();
      await connection.write(() => put(key, value, ttlSeconds));
    },

    async delete(key) {
      checkOpen();
      await connection.write(() => remove.run(key));
    },

    async increment(key, by, ttlSeconds) {
      checkOpen();
      return connection.write(() => {
        const current = live(key);
        if (current === undefined) {
          put(key, by, ttlSeconds);
          return by;
        }
        if (typeof current !== 'number') {
          throw new TypeError(`Cache key ${key} does not hold a number`);
        }
        replace.run(JSON.stringify(current + by), key);
        return current + by;
      });
    },

    heartbeat: async () => !lease.closed && (await connection.heartbeat()),

    close() {
      clearInterval(timer);
      return lease.close();
    },
  };
}

/**
 * A cache on its own connection to the file `options.path`. Beside a storage on the same file
 * in the same process, open both with `sqlite()` instead: they must share one connection (see
 * `connection.ts`).
 */
export function sqliteCache(options: SqliteCacheOptions): CacheBackend {
  return withConnection(options, (connection) => cacheOn(connection, options));
}
