/**
 * The Redis cache backend: JSON values under prefixed keys with Redis' own expiry, shared by
 * every process of an app.
 *
 * @module
 */

import type { CacheBackend, JsonValue } from '@pawl/core';
import { Redis } from 'ioredis';
import { guard, within } from './failures.js';

export interface RedisCacheOptions {
  /** `redis://[:password@]host:6379[/db]`; default `redis://127.0.0.1:6379`. Ignored with `client`. */
  readonly url?: string;
  /** A client of the app's own, used as it is and never closed by Pawl. */
  readonly client?: Redis;
  /** Put before every key, so that apps can share one Redis. Default `pawl:`. */
  readonly prefix?: string;
  /**
   * How long a command may wait (for a reply, or for the connection to come back) before it
   * fails with a `BackendError`, and how long `heartbeat()` waits for `PING`, in milliseconds.
   * Default 2000.
   */
  readonly timeout?: number;
}

/**
 * `INCRBY`, then an expiry only when the key has none, i.e. when `INCRBY` created it (keys
 * written by `set` always have one). One script, so atomic; unlike `EXPIRE ... NX`, it needs
 * no Redis 7.
 */
const INCREMENT = `local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value`;

/** A positive time to live in whole milliseconds (at least 1). */
function milliseconds(ttlSeconds: number): number {
  if (!(ttlSeconds > 0)) throw new RangeError('ttlSeconds must be a positive number');
  return Math.max(1, Math.ceil(ttlSeconds * 1000));
}

/**
 * A cache backend on Redis. Commands wait at most `timeout` for a connection: while Redis is
 * down they fail with a `BackendError` and the heartbeat is `false`; the client reconnects on
 * its own when Redis is back.
 *
 * @example
 * ```ts
 * const app = createApp({
 *   ...,
 *   backends: { storage, cache: redisCache({ url: process.env.CACHE_URL, prefix: 'notes:' }) },
 * });
 * ```
 */
export function redisCache(options: RedisCacheOptions = {}): CacheBackend {
  const prefix = options.prefix ?? 'pawl:';
  const timeout = options.timeout ?? 2_000;
  const lent = options.client;
  const client =
    lent ??
    new Redis(options.url ?? 'redis://127.0.0.1:6379', {
      commandTimeout: timeout,
      // Fail the commands queued while disconnected after one reconnection attempt.
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
    });
  // Connection errors are reported by the commands that fail; without a listener, the client
  // would print each reconnection attempt's error.
  if (!lent) client.on('error', () => {});
  const key = (name: string) => `${prefix}${name}`;

  return {
    name: 'redis',

    async get(name) {
      const text = await guard(client.get(key(name)));
      return text === null ? null : (JSON.parse(text) as JsonValue);
    },

    async set(name, value, ttlSeconds) {
      const ttl = milliseconds(ttlSeconds);
      await guard(client.set(key(name), JSON.stringify(value), 'PX', ttl));
    },

    async delete(name) {
      await guard(client.del(key(name)));
    },

    async increment(name, by, ttlSeconds) {
      const ttl = milliseconds(ttlSeconds);
      const value = await guard(client.eval(INCREMENT, 1, key(name), by, ttl));
      return Number(value);
    },

    heartbeat: () =>
      within(
        client.ping().then((reply) => reply === 'PONG'),
        timeout,
        false,
      ),

    async close() {
      if (lent) return;
      await within(client.quit(), timeout, 'OK');
      client.disconnect();
    },
  };
}
