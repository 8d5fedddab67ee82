/**
 * The cache contract: short-lived values with a time to live, shared by every process of an
 * app when the backend is shared (Redis, PostgreSQL). Pawl keeps derived data in it (such as
 * user ids computed from credentials), never data it cannot rebuild.
 *
 * @module
 */
import type { JsonValue } from '../storage/types.js';

export interface CacheBackend {
  /** A short name shown in heartbeat and logs, e.g. `'memory'`, `'redis'`. */
  readonly name: string;
  /** The value stored under `key`, or `null` when it is missing or expired. */
  get(key: string): Promise<JsonValue | null>;
  /** Stores `value` under `key` for `ttlSeconds` (a positive number), replacing any previous value. */
  set(key: string, value: JsonValue, ttlSeconds: number): Promise<void>;
  /** Removes `key`; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Adds `by` to the integer under `key` (missing counts as 0) and returns the new value; a key
   * created by this call expires after `ttlSeconds`. Atomic across every process sharing the cache.
   */
  increment(key: string, by: number, ttlSeconds: number): Promise<number>;
  /** `true` when the backend answers a real round trip. Never throws. */
  heartbeat(): Promise<boolean>;
  /** Releases connections and timers. */
  close(): Promise<void>;
}
