import { join } from 'node:path';
import type { CollectionRef, StorageSession } from '@pawl/core';
import { type QueryLog, sqliteStorage } from '@pawl/sqlite';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/database.js';
import { applyMigrations, MIGRATIONS } from '../src/schema/migrations.js';
import { temporaryDirectory } from './helpers.js';

const directory = temporaryDirectory();

/** Per collection, the live records `COUNT(*)` finds and the counter holds (absent: none). */
function countsIn(file: string): { counted: Map<string, number>; kept: Map<string, number> } {
  const reader = new Database(file, { readonly: true });
  try {
    const counted = reader
      .prepare(
        `SELECT resource, parent_id, count(*) AS n FROM records WHERE deleted = 0
          GROUP BY resource, parent_id`,
      )
      .all() as Array<{ resource: string; parent_id: string; n: number }>;
    const kept = reader
      .prepare('SELECT resource, parent_id, live AS n FROM collection_counts WHERE live <> 0')
      .all() as Array<{ resource: string; parent_id: string; n: number }>;
    const byCollection = (rows: typeof counted) =>
      new Map(rows.map((row) => [`${row.resource}/${row.parent_id}`, row.n]));
    return { counted: byCollection(counted), kept: byCollection(kept) };
  } finally {
    reader.close();
  }
}

const write = fc.oneof(
  fc.record({
    put: fc.constantFrom('a', 'b', 'c', 'd'),
    collection: fc.nat(2),
    forced: fc.option(fc.integer({ min: 1, max: 5000 }), { nil: undefined }),
  }),
  fc.record({ delete: fc.constantFrom('a', 'b', 'c', 'd'), collection: fc.nat(2) }),
);
const step = fc.oneof(
  { weight: 4, arbitrary: write },
  {
    weight: 2,
    arbitrary: fc.record({
      transaction: fc.array(write, { minLength: 1, maxLength: 4 }),
      rollback: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      purge: fc.option(fc.nat(2), { nil: undefined }),
      keepLast: fc.option(fc.nat(2), { nil: undefined }),
    }),
  },
);

type Write =
  | { put: string; collection: number; forced: number | undefined }
  | {
      delete: string;
      collection: number;
    };

describe('live record counters', () => {
  const file = join(directory, 'counters.db');
  const statements: QueryLog[] = [];
  const storage = sqliteStorage({ path: file, log: (statement) => statements.push(statement) });
  afterAll(() => storage.close());
  let run = 0;

  it('equal COUNT(*) after any sequence of puts, deletes, purges, commits and rollbacks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        const collections: CollectionRef[] = [0, 1, 2].map((n) => ({
          resource: n === 2 ? 'other' : 'notes',
          parentId: `run${run}-${n % 2}`,
        }));
        run++;
        const apply = async (session: StorageSession, change: Write) => {
          const collection = collections[change.collection] as CollectionRef;
          if ('put' in change) {
            const options = change.forced === undefined ? {} : { lastModified: change.forced };
            await session.put(collection, { id: change.put }, options);
          } else {
            await session.delete(collection, change.delete);
          }
        };
        for (const current of steps) {
          if ('transaction' in current) {
            const committed = storage.transaction(async (session) => {
              for (const change of current.transaction) await apply(session, change);
              if (current.rollback) throw new Error('rolled back');
            });
            if (current.rollback) await expect(committed).rejects.toThrow('rolled back');
            else await committed;
          } else if ('purge' in current) {
            const collection = current.purge === undefined ? undefined : collections[current.purge];
            await storage.purgeTombstones(collection, { keepLast: current.keepLast });
          } else {
            await apply(storage, current);
          }
        }
        const { counted, kept } = countsIn(file);
        expect(kept).toEqual(counted);
        for (const collection of collections) {
          const live = await storage.list(collection, { filters: [], sort: [] });
          expect(await storage.count(collection, { filters: [] })).toBe(live.length);
          expect(await storage.count(collection, { filters: [], includeDeleted: false })).toBe(
            counted.get(`${collection.resource}/${collection.parentId}`) ?? 0,
          );
        }
      }),
      { numRuns: 150 },
    );
  }, 60_000);

  it('answer unfiltered counts; a filter or tombstones count the records', async () => {
    const collection = { resource: 'notes', parentId: 'which-query' };
    await storage.put(collection, { id: 'a', n: 1 });
    await storage.put(collection, { id: 'b', n: 2 });
    await storage.delete(collection, 'b');
    const sources = async (query: Parameters<typeof storage.count>[1]) => {
      statements.length = 0;
      const count = await storage.count(collection, query);
      return { count, sql: statements.map((statement) => statement.sql).join('\n') };
    };
    const unfiltered = await sources({ filters: [] });
    expect(unfiltered.count).toBe(1);
    expect(unfiltered.sql).toMatch(/from "collection_counts"/);
    expect(unfiltered.sql).not.toMatch(/count\(\*\)/);
    const withTombstones = await sources({ filters: [], includeDeleted: true });
    expect(withTombstones).toMatchObject({ count: 2, sql: expect.stringMatching(/count\(\*\)/) });
    const filtered = await sources({ filters: [{ path: ['n'], operator: 'eq', value: 1 }] });
    expect(filtered).toMatchObject({ count: 1, sql: expect.stringMatching(/count\(\*\)/) });
    expect(
      await storage.count({ resource: 'notes', parentId: 'never-written' }, { filters: [] }),
    ).toBe(0);
  });

  it('are computed once for a database made before them, then kept', async () => {
    const old = join(directory, 'before-counters.db');
    const database = openDatabase(old);
    const counters = MIGRATIONS.findIndex((migration) => migration.name === 'live record counts');
    applyMigrations(database, MIGRATIONS.slice(0, counters));
    const insert = database.prepare(
      'INSERT INTO records (resource, parent_id, id, last_modified, deleted, data) VALUES (?, ?, ?, ?, ?, ?)',
    );
    for (let n = 0; n < 30; n++) {
      insert.run('notes', 'alice', `a${n}`, 1000 + n, n % 3 === 0 ? 1 : 0, '{}');
    }
    insert.run('notes', 'bob', 'only-tombstone', 1000, 1, '{"deleted":true}');
    database.close();

    const reopened = sqliteStorage({ path: old });
    const alice = { resource: 'notes', parentId: 'alice' };
    const bob = { resource: 'notes', parentId: 'bob' };
    expect(await reopened.count(alice, { filters: [] })).toBe(20);
    expect(await reopened.count(bob, { filters: [] })).toBe(0);
    await reopened.put(bob, { id: 'only-tombstone' });
    await reopened.delete(alice, 'a1');
    await reopened.put(alice, { id: 'a0' });
    expect(await reopened.count(alice, { filters: [] })).toBe(20);
    expect(await reopened.count(bob, { filters: [] })).toBe(1);
    await reopened.close();
    const { counted, kept } = countsIn(old);
    expect(kept).toEqual(counted);
  });
});
