import { describe, expect, it } from 'vitest';
import { recordCounts } from '../src/endpoints/record-counts.js';
import { memoryStorage } from '../src/storage/memory-storage.js';
import type { CollectionRef, CountQuery, StorageBackend } from '../src/storage/types.js';

const ARTICLES: CollectionRef = { resource: 'articles', parentId: 'alice' };
const UNREAD: CountQuery = { filters: [{ path: ['unread'], operator: 'eq', value: true }] };

/** A memory storage that tells how many counts reached it. */
async function countingStorage(): Promise<{ storage: StorageBackend; counted: () => number }> {
  const storage = memoryStorage();
  for (const [id, unread] of [
    ['a', true],
    ['b', false],
    ['c', true],
  ] as const) {
    await storage.transaction((session) => session.put(ARTICLES, { id, unread }));
  }
  let calls = 0;
  const count: StorageBackend['count'] = (collection, query) => {
    calls++;
    return storage.count(collection, query);
  };
  return { storage: { ...storage, count }, counted: () => calls };
}

describe('recordCounts', () => {
  it('counts once per collection timestamp and filter', async () => {
    const { storage, counted } = await countingStorage();
    const counts = recordCounts(storage, () => false);
    const timestamp = await storage.timestamp(ARTICLES);
    expect(await counts.count(ARTICLES, UNREAD, timestamp)).toBe(2);
    expect(await counts.count(ARTICLES, UNREAD, timestamp)).toBe(2);
    expect(counted()).toBe(1);
    expect(await counts.count(ARTICLES, { filters: [] }, timestamp)).toBe(3);
    expect(await counts.count({ ...ARTICLES, parentId: 'bob' }, UNREAD, timestamp)).toBe(0);
    expect(counted()).toBe(3);
  });

  it('counts again once the collection changed', async () => {
    const { storage, counted } = await countingStorage();
    const counts = recordCounts(storage, () => false);
    await counts.count(ARTICLES, UNREAD, await storage.timestamp(ARTICLES));
    await storage.transaction((session) => session.put(ARTICLES, { id: 'd', unread: true }));
    expect(await counts.count(ARTICLES, UNREAD, await storage.timestamp(ARTICLES))).toBe(3);
    expect(counted()).toBe(2);
  });

  it('never remembers counts with tombstones, nor counts inside a transaction', async () => {
    const { storage, counted } = await countingStorage();
    let inTransaction = false;
    const counts = recordCounts(storage, () => inTransaction);
    const timestamp = await storage.timestamp(ARTICLES);
    const withTombstones = { ...UNREAD, includeDeleted: true };
    await counts.count(ARTICLES, withTombstones, timestamp);
    await counts.count(ARTICLES, withTombstones, timestamp);
    inTransaction = true;
    await counts.count(ARTICLES, UNREAD, timestamp);
    await counts.count(ARTICLES, UNREAD, timestamp);
    expect(counted()).toBe(4);
  });

  it('forgets the least recently used count beyond its capacity', async () => {
    const { storage, counted } = await countingStorage();
    const counts = recordCounts(storage, () => false, 2);
    const timestamp = await storage.timestamp(ARTICLES);
    const read: CountQuery = { filters: [{ path: ['unread'], operator: 'eq', value: false }] };
    await counts.count(ARTICLES, UNREAD, timestamp);
    await counts.count(ARTICLES, read, timestamp);
    await counts.count(ARTICLES, UNREAD, timestamp);
    await counts.count(ARTICLES, { filters: [] }, timestamp);
    expect(counted()).toBe(3);
    await counts.count(ARTICLES, UNREAD, timestamp);
    expect(counted()).toBe(3);
    await counts.count(ARTICLES, read, timestamp);
    expect(counted()).toBe(4);
  });
});
