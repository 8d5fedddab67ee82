import { BackendError, type StorageBackend } from '@pawl/core';
import { postgresStorage } from '@pawl/postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { DATABASE_URL, skipPostgres, testSchema } from './helpers.js';

/**
 * Three storages, each with its own pool, stand for three app processes on one database.
 * (`processes.test.ts` runs real processes behind HTTP.)
 */
const schema = testSchema();
const storages = [1, 2, 3].map(() => postgresStorage({ connectionString: DATABASE_URL, schema }));
afterAll(() => Promise.all(storages.map((storage) => storage.close())));

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let counter = 0;
const fresh = () => ({ resource: `concurrency${counter++}`, parentId: 'shared' });

describe.skipIf(skipPostgres)('writers on several pools', () => {
  it('read-then-write transactions lose no update, and commit in timestamp order', async () => {
    const collection = fresh();
    const [first] = storages as [StorageBackend];
    await first.put(collection, { id: 'counter', n: 0 });
    const perStorage = 30;
    const written = await Promise.all(
      storages.map(async (storage) => {
        const mine: Array<[number, number]> = [];
        for (let i = 0; i < perStorage; i++) {
          const record = await storage.transaction(async (session) => {
            const current = await session.get(collection, 'counter');
            await pause(1); // hold the lock across a real wait
            return session.put(collection, { id: 'counter', n: Number(current?.n) + 1 });
          });
          mine.push([record.n as number, record.last_modified]);
        }
        return mine;
      }),
    );
    const all = written.flat().sort((a, b) => a[0] - b[0]);
    // Every value from 1 to 90 was written once: each transaction saw the one before it.
    expect(all.map(([n]) => n)).toEqual(Array.from({ length: 3 * perStorage }, (_, i) => i + 1));
    for (let i = 1; i < all.length; i++) {
      expect(all[i]?.[1]).toBeGreaterThan(all[i - 1]?.[1] ?? Number.POSITIVE_INFINITY);
    }
    expect(await first.timestamp(collection)).toBe(all.at(-1)?.[1]);
  });

  it('a transaction that read a collection holds back writers of it until it commits', async () => {
    const collection = fresh();
    const [one, two] = storages as [StorageBackend, StorageBackend];
    await one.put(collection, { id: 'a' });
    const events: string[] = [];
    let entered = () => {};
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const reader = one.transaction(async (session) => {
      await session.get(collection, 'a');
      entered();
      await pause(300);
      events.push('reader commits');
      return session.put(collection, { id: 'a', by: 'reader' });
    });
    await inside;
    const writer = two.put(collection, { id: 'a', by: 'writer' }).then((record) => {
      events.push('writer done');
      return record;
    });
    const [read, wrote] = await Promise.all([reader, writer]);
    expect(events).toEqual(['reader commits', 'writer done']);
    expect(wrote.last_modified).toBeGreaterThan(read.last_modified);
    expect((await two.get(collection, 'a'))?.by).toBe('writer');
  });

  it('writes to other collections do not wait for a held collection', async () => {
    const held = fresh();
    const other = fresh();
    const [one, two] = storages as [StorageBackend, StorageBackend];
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const holder = one.transaction(async (session) => {
      await session.put(held, { id: 'a' });
      await released;
    });
    await pause(50);
    const started = Date.now();
    await two.put(other, { id: 'b' });
    expect(Date.now() - started).toBeLessThan(1_000);
    release();
    await holder;
  });

  it('a deadlock between two transactions fails one of them with a BackendError', async () => {
    const x = fresh();
    const y = fresh();
    const [one, two] = storages as [StorageBackend, StorageBackend];
    const crossing = (first: typeof x, second: typeof x, storage: StorageBackend) =>
      storage.transaction(async (session) => {
        await session.put(first, { id: 'a' });
        await pause(200);
        await session.put(second, { id: 'b' });
      });
    const outcomes = await Promise.allSettled([crossing(x, y, one), crossing(y, x, two)]);
    const failures = outcomes.flatMap((outcome) =>
      outcome.status === 'rejected' ? [outcome.reason] : [],
    );
    expect(failures).toHaveLength(1);
    expect(failures[0]).toBeInstanceOf(BackendError);
  });

  it('an unreachable server gives BackendError on calls and false on heartbeat', async () => {
    const storage = postgresStorage({
      connectionString: 'postgres://postgres@127.0.0.1:1/none',
      poolConfig: { connectionTimeoutMillis: 500 },
    });
    const notes = { resource: 'notes', parentId: '' };
    await expect(storage.get(notes, 'a')).rejects.toBeInstanceOf(BackendError);
    await expect(storage.put(notes, { id: 'a' })).rejects.toBeInstanceOf(BackendError);
    await expect(storage.transaction(async () => 1)).rejects.toBeInstanceOf(BackendError);
    expect(await storage.heartbeat()).toBe(false);
    await storage.close();
  });
});
