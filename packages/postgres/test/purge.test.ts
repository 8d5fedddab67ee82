import type { CollectionRef } from '@pawl/core';
import { postgresStorage } from '@pawl/postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { DATABASE_URL, runCli, skipPostgres, testSchema } from './helpers.js';

const schema = testSchema();
const storage = postgresStorage({ connectionString: DATABASE_URL, schema });
afterAll(() => storage.close());

let counter = 0;
const fresh = (): CollectionRef => ({ resource: `purge${counter++}`, parentId: 'p' });

/** Writes `live` records and `dead` tombstones (with timestamps 1000, 2000, ...), in order. */
async function seed(collection: CollectionRef, dead: number, live = 2): Promise<void> {
  for (let i = 0; i < dead; i++) {
    await storage.put(collection, { id: `dead${i}` }, { lastModified: 1000 * (i + 1) });
    await storage.delete(collection, `dead${i}`, { lastModified: 1000 * (i + 1) + 500 });
  }
  for (let i = 0; i < live; i++) await storage.put(collection, { id: `live${i}`, old: true });
}

async function remaining(collection: CollectionRef): Promise<string[]> {
  const items = await storage.list(collection, {
    filters: [],
    sort: [{ path: ['id'], direction: 'asc' }],
    includeDeleted: true,
  });
  return items.map((item) => item.id);
}

describe.skipIf(skipPostgres)('purging tombstones', () => {
  it('before: deletes the tombstones of one collection older than the timestamp', async () => {
    const [one, two] = [fresh(), fresh()];
    await seed(one, 4);
    await seed(two, 4);
    expect(await storage.purgeTombstones(one, { before: 3000 })).toBe(2);
    expect(await remaining(one)).toEqual(['dead2', 'dead3', 'live0', 'live1']);
    expect(await remaining(two)).toHaveLength(6);
  });

  it('keepLast: keeps the newest tombstones of every collection', async () => {
    const [one, two] = [fresh(), fresh()];
    await seed(one, 4);
    await seed(two, 1);
    const purged = await storage.purgeTombstones(undefined, { keepLast: 1 });
    expect(purged).toBeGreaterThanOrEqual(3);
    expect(await remaining(one)).toEqual(['dead3', 'live0', 'live1']);
    expect(await remaining(two)).toEqual(['dead0', 'live0', 'live1']);
  });

  it('before and keepLast together purge only what both allow', async () => {
    const collection = fresh();
    await seed(collection, 4);
    expect(await storage.purgeTombstones(collection, { before: 2000, keepLast: 1 })).toBe(1);
    expect(await remaining(collection)).toEqual(['dead1', 'dead2', 'dead3', 'live0', 'live1']);
  });

  it('without options, deletes every tombstone and no live record', async () => {
    const collection = fresh();
    await seed(collection, 3);
    expect(await storage.purgeTombstones(collection)).toBe(3);
    expect(await remaining(collection)).toEqual(['live0', 'live1']);
  });

  it('keeps collection timestamps, so later writes still get greater ones', async () => {
    const collection = fresh();
    await seed(collection, 2, 0);
    const before = await storage.timestamp(collection);
    await storage.purgeTombstones(collection);
    expect(await storage.timestamp(collection)).toBe(before);
    expect((await storage.put(collection, { id: 'next' })).last_modified).toBeGreaterThan(before);
  });

  it('refuses nonsensical options', async () => {
    await expect(storage.purgeTombstones(undefined, { keepLast: -1 })).rejects.toThrow(RangeError);
    await expect(storage.purgeTombstones(undefined, { before: 1.5 })).rejects.toThrow(RangeError);
  });

  it('the purge-tombstones command purges per collection and refuses to guess', async () => {
    const collection = fresh();
    await seed(collection, 3);
    const run = (args: string[]) => runCli(args, { DATABASE_URL });
    const where = ['--schema', schema, '--resource', collection.resource, '--parent', 'p'];
    expect(await run(['purge-tombstones', '--keep', '1', ...where])).toEqual({
      code: 0,
      output: 'purged 2 tombstones\n',
    });
    expect(await remaining(collection)).toEqual(['dead2', 'live0', 'live1']);
    const refused = await run(['purge-tombstones', ...where]);
    expect(refused.code).toBe(2);
    expect(refused.output).toContain('needs --before or --keep');
  }, 30_000);
});
