/**
 * The cache conformance suite: every `CacheBackend` runs it unchanged.
 *
 * @module
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CacheBackend } from '../cache/types.js';

export interface CacheConformanceOptions {
  name: string;
  create: () => Promise<CacheBackend> | CacheBackend;
  /** Default: `cache.close()`. */
  cleanup?: (cache: CacheBackend) => Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function runCacheConformance(options: CacheConformanceOptions): void {
  describe(`cache conformance: ${options.name}`, () => {
    let cache: CacheBackend;
    let prefix = '';

    beforeEach(async () => {
      cache = await options.create();
      prefix = `conformance:${Math.random().toString(36).slice(2)}:`;
    });
    afterEach(async () => {
      await (options.cleanup ?? ((c) => c.close()))(cache);
    });

    it('returns null for a missing key', async () => {
      expect(await cache.get(`${prefix}missing`)).toBeNull();
    });

    it('stores and returns JSON values of every type', async () => {
      const values = [0, 1.5, 'text', true, false, null, [1, 'a'], { nested: { deep: [1] } }];
      for (const [index, value] of values.entries()) {
        await cache.set(`${prefix}${index}`, value, 60);
        expect(await cache.get(`${prefix}${index}`)).toEqual(value);
      }
    });

    it('replaces a previous value', async () => {
      await cache.set(`${prefix}k`, 'one', 60);
      await cache.set(`${prefix}k`, 'two', 60);
      expect(await cache.get(`${prefix}k`)).toBe('two');
    });

    it('forgets a value once its time to live has passed', async () => {
      await cache.set(`${prefix}short`, 'soon gone', 1);
      expect(await cache.get(`${prefix}short`)).toBe('soon gone');
      await sleep(1100);
      expect(await cache.get(`${prefix}short`)).toBeNull();
    });

    it('deletes a key, and deleting a missing key is not an error', async () => {
      await cache.set(`${prefix}k`, 1, 60);
      await cache.delete(`${prefix}k`);
      await cache.delete(`${prefix}never`);
      expect(await cache.get(`${prefix}k`)).toBeNull();
    });

    it('keeps keys apart, including odd characters', async () => {
      const keys = ['a', 'A', 'a b', 'a:b', 'ünï', "'; DROP TABLE cache;--", '*', '{x}'];
      for (const key of keys) await cache.set(prefix + key, key, 60);
      for (const key of keys) expect(await cache.get(prefix + key)).toBe(key);
    });

    it('increments from zero and returns each new value', async () => {
      expect(await cache.increment(`${prefix}n`, 1, 60)).toBe(1);
      expect(await cache.increment(`${prefix}n`, 5, 60)).toBe(6);
      expect(await cache.get(`${prefix}n`)).toBe(6);
    });

    it('increments atomically under concurrent calls', async () => {
      await Promise.all(Array.from({ length: 50 }, () => cache.increment(`${prefix}c`, 1, 60)));
      expect(await cache.get(`${prefix}c`)).toBe(50);
    });

    it('returns copies: changing a returned object changes nothing stored', async () => {
      await cache.set(`${prefix}o`, { list: [1] }, 60);
      const first = (await cache.get(`${prefix}o`)) as { list: number[] };
      first.list.push(2);
      expect(await cache.get(`${prefix}o`)).toEqual({ list: [1] });
    });

    it('answers its heartbeat', async () => {
      expect(await cache.heartbeat()).toBe(true);
    });
  });
}
