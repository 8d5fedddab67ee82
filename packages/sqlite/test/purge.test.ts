import { join } from 'node:path';
import type { CollectionRef, StoredRecord, Tombstone } from '@pawl/core';
import { type SqliteStorage, sqliteStorage } from '@pawl/sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, temporaryDirectory } from './helpers.js';

const directory = temporaryDirectory();
const A: CollectionRef = { resource: 'notes', parentId: 'alice' };
const B: CollectionRef = { resource: 'notes', parentId: 'bob' };
const BY_ID = [{ path: ['id'], direction: 'asc' as const }];

let storage: SqliteStorage;
let file: string;
let now: number;
let fileNumber = 0;

/** Every item of `collection`, tombstones included, by id. */
async function items(collection: CollectionRef): Promise<Array<StoredRecord | Tombstone>> {
  return storage.list(collection, { filters: [], sort: BY_ID, includeDeleted: true });
}

async function tombstoneIds(collection: CollectionRef): Promise<string[]> {
  const live = new Set(await liveIds(collection));
  return (await items(collection)).map((item) => item.id).filter((id) => !live.has(id));
}

/**
 * In each collection: live records `old-live` (written first), `flagged` (a live record with a
 * field named `deleted`) and `new-live`, and tombstones `t1`..`t4` deleted at 1100..1400.
 */
async function seed(collection: CollectionRef): Promise<void> {
  now = 1000;
  await storage.put(collection, { id: 'old-live', title: 'older than every tombstone' });
  await storage.put(collection, { id: 'flagged', title: 'live', deleted: true });
  for (const id of ['t1', 't2', 't3', 't4']) await storage.put(collection, { id, title: id });
  for (const [i, id] of ['t1', 't2', 't3', 't4'].entries()) {
    now = 1100 + i * 100;
    await storage.delete(collection, id);
  }
  now = 2000;
  await storage.put(collection, { id: 'new-live', title: 'newer than every tombstone' });
}

const LIVE = ['flagged', 'new-live', 'old-live'];

async function liveIds(collection: CollectionRef): Promise<string[]> {
  return (await storage.list(collection, { filters: [], sort: BY_ID })).map((item) => item.id);
}

beforeEach(async () => {
  file = join(directory, `purge-${fileNumber++}.db`);
  storage = sqliteStorage({ path: file, clock: () => now });
  await seed(A);
  await seed(B);
});

afterEach(async () => {
  await storage.close();
});

describe('purgeTombstones', () => {
  it('before: deletes the tombstones of one collection older than the timestamp', async () => {
    expect(await storage.purgeTombstones(A, { before: 1300 })).toBe(2);
    expect(await tombstoneIds(A)).toEqual(['t3', 't4']);
    expect(await tombstoneIds(B)).toEqual(['t1', 't2', 't3', 't4']);
    expect(await liveIds(A)).toEqual(LIVE);
  });

  it('keepLast: keeps the newest tombstones of every collection', async () => {
    expect(await storage.purgeTombstones(undefined, { keepLast: 1 })).toBe(6);
    expect(await tombstoneIds(A)).toEqual(['t4']);
    expect(await tombstoneIds(B)).toEqual(['t4']);
    expect(await liveIds(A)).toEqual(LIVE);
    expect(await liveIds(B)).toEqual(LIVE);
  });

  it('before and keepLast together purge only what both allow', async () => {
    expect(await storage.purgeTombstones(A, { before: 1400, keepLast: 2 })).toBe(2);
    expect(await tombstoneIds(A)).toEqual(['t3', 't4']);
    expect(await storage.purgeTombstones(A, { before: 1200, keepLast: 0 })).toBe(0);
  });

  it('without options, deletes every tombstone and no live record, however old', async () => {
    expect(await storage.purgeTombstones(undefined, { before: 999_999 })).toBe(8);
    expect(await storage.purgeTombstones()).toBe(0);
    for (const collection of [A, B]) {
      expect((await items(collection)).map((item) => item.id)).toEqual(LIVE);
      expect((await storage.get(collection, 'flagged'))?.deleted).toBe(true);
    }
  });

  it('keeps collection timestamps, so later writes still get greater ones', async () => {
    const before = await storage.timestamp(A);
    await storage.purgeTombstones(A);
    expect(await storage.timestamp(A)).toBe(before);
    now = 0;
    expect((await storage.put(A, { id: 'later' })).last_modified).toBeGreaterThan(before);
  });

  it('refuses nonsensical options', async () => {
    await expect(storage.purgeTombstones(A, { keepLast: -1 })).rejects.toThrow(RangeError);
    await expect(storage.purgeTombstones(A, { keepLast: 1.5 })).rejects.toThrow(RangeError);
    await expect(storage.purgeTombstones(A, { before: Number.NaN })).rejects.toThrow(RangeError);
    expect(await tombstoneIds(A)).toHaveLength(4);
  });

  it('the purge-tombstones command purges by age, by count and per collection', async () => {
    await storage.close();
    const before = await runCli([
      'purge-tombstones',
      file,
      '--before',
      '1200',
      '--resource',
      'notes',
      '--parent',
      'alice',
    ]);
    expect(before).toMatchObject({ code: 0, stdout: 'purged 1 tombstone\n', stderr: '' });
    const keep = await runCli(['purge-tombstones', file, '--keep', '2']);
    expect(keep).toMatchObject({ code: 0, stdout: 'purged 3 tombstones\n' });
    const missing = await runCli(['purge-tombstones', file]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/needs --before or --keep/);
    const invalid = await runCli(['purge-tombstones', file, '--before', 'yesterday']);
    expect(invalid.code).toBe(2);
    const absent = await runCli(['purge-tombstones', join(directory, 'absent.db'), '--keep', '1']);
    expect(absent.code).toBe(1);
    expect(absent.stderr).toMatch(/No database/);

    storage = sqliteStorage({ path: file, clock: () => now });
    expect(await tombstoneIds(A)).toEqual(['t3', 't4']);
    expect(await tombstoneIds(B)).toEqual(['t3', 't4']);
    expect(await liveIds(A)).toEqual(LIVE);
    expect(await liveIds(B)).toEqual(LIVE);
  });
});
