/**
 * An in-process cache: a Map with expiry times, for one-process apps and tests.
 *
 * @module
 */
import type { JsonValue } from '../storage/types.js';
import type { CacheBackend } from './types.js';

export interface MemoryCacheOptions {
  /** The clock, in milliseconds. Default: `Date.now`. */
  clock?: () => number;
  /** The most entries kept; the oldest are dropped first. Default: 10 000. */
  maxEntries?: number;
}

interface Entry {
  value: JsonValue;
  expires: number;
}

/**
 * @example
 * ```ts
 * const app = createApp({ ..., backends: { storage: memoryStorage(), cache: memoryCache() } });
 * ```
 */
export function memoryCache(options: MemoryCacheOptions = {}): CacheBackend {
  const clock = options.clock ?? Date.now;
  const maxEntries = options.maxEntries ?? 10_000;
  const entries = new Map<string, Entry>();

  function live(key: string): Entry | undefined {
    const entry = entries.get(key);
    if (entry && entry.expires <= clock()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  }

  function store(key: string, value: JsonValue, ttlSeconds: number): void {
    if (!(ttlSeconds > 0)) throw new RangeError('ttlSeconds must be a positive number');
    entries.delete(key);
    if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
    entries.set(key, { value: structuredClone(value), expires: clock() + ttlSeconds * 1000 });
  }

  return {
    name: 'memory',
    async get(key) {
      const entry = live(key);
      return entry ? structuredClone(entry.value) : null;
    },
    async set(key, value, ttlSeconds) {
      store(key, value, ttlSeconds);
    },
    async delete(key) {
      entries.delete(key);
    },
    async increment(key, by, ttlSeconds) {
      const entry = live(key);
      if (!entry) {
        store(key, by, ttlSeconds);
        return by;
      }
      if (typeof entry.value !== 'number')
        throw new TypeError(`Cache key ${key} does not hold a number`);
      entry.value += by;
      return entry.value;
    },
    async heartbeat() {
      return true;
    },
    async close() {
      entries.clear();
    },
  };
}
