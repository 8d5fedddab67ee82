import { describe, expect, it } from 'vitest';
import { exerciseRandomWrites, runStorageConformance } from '../testing/index.js';
import { memoryStorage } from './memory-storage.js';

runStorageConformance({ name: 'memory', create: () => memoryStorage() });

describe('memoryStorage', () => {
  const books = { resource: 'book', parentId: '' };

  it('hands out strictly increasing timestamps when the clock stands still', async () => {
    const storage = memoryStorage({ clock: () => 1000 });
    const stamps = [];
    for (const id of ['a', 'b', 'a']) stamps.push((await storage.put(books, { id })).last_modified);
    stamps.push((await storage.delete(books, 'b'))?.last_modified);
    expect(stamps).toEqual([1000, 1001, 1002, 1003]);
  });

  it('never goes back when the clock does', async () => {
    let now = 5000;
    const storage = memoryStorage({ clock: () => now });
    await storage.put(books, { id: 'a' });
    now = 10;
    expect((await storage.put(books, { id: 'b' })).last_modified).toBe(5001);
  });

  it('fixes an empty collection timestamp at the clock value of the first read', async () => {
    let now = 1000;
    const storage = memoryStorage({ clock: () => now });
    expect(await storage.timestamp(books)).toBe(1000);
    now = 2000;
    expect(await storage.timestamp(books)).toBe(1000);
    expect((await storage.put(books, { id: 'a' })).last_modified).toBe(2000);
  });

  it('bumps the collection timestamp past a forced one in the past', async () => {
    const storage = memoryStorage({ clock: () => 1000 });
    await storage.put(books, { id: 'a' });
    expect((await storage.put(books, { id: 'b' }, { lastModified: 10 })).last_modified).toBe(10);
    expect(await storage.timestamp(books)).toBe(1001);
  });

  it('makes calls on the backend wait for the running transaction', async () => {
    const storage = memoryStorage();
    const order: string[] = [];
    const transaction = storage.transaction(async (session) => {
      await session.put(books, { id: 'a' });
      await new Promise((resolve) => setTimeout(resolve, 10));
      order.push('transaction');
    });
    const read = storage.get(books, 'a').then(() => order.push('read'));
    await Promise.all([transaction, read]);
    expect(order).toEqual(['transaction', 'read']);
  });

  it('is named memory and declares transactions', () => {
    const storage = memoryStorage();
    expect(storage.name).toBe('memory');
    expect(storage.capabilities).toEqual({ transactions: true });
  });

  it('counts what it lists after random writes, commits and rollbacks', async () => {
    await exerciseRandomWrites(memoryStorage(), { numRuns: 50 });
  });
});
