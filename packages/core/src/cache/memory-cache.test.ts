import { describe, expect, it } from 'vitest';
import { runCacheConformance } from '../testing/cache-conformance.js';
import { memoryCache } from './memory-cache.js';

runCacheConformance({ name: 'memory', create: () => memoryCache() });

describe('memory cache', () => {
  it('drops the oldest entries beyond maxEntries', async () => {
    const cache = memoryCache({ maxEntries: 2 });
    await cache.set('a', 1, 60);
    await cache.set('b', 2, 60);
    await cache.set('c', 3, 60);
    expect([await cache.get('a'), await cache.get('b'), await cache.get('c')]).toEqual([
      null,
      2,
      3,
    ]);
  });

  it('expires by its injected clock', async () => {
    let now = 1_000;
    const cache = memoryCache({ clock: () => now });
    await cache.set('k', 'v', 10);
    now += 9_999;
    expect(await cache.get('k')).toBe('v');
    now += 1;
    expect(await cache.get('k')).toBeNull();
  });
});
