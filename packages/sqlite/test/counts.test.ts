import { join } from 'node:path';
import { exerciseRandomWrites } from '@pawl/core/testing';
import { type QueryLog, sqliteStorage } from '@pawl/sqlite';
import Database from 'better-sqlite3';
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

describe('live record counters', () => {
  const file = join(directory, 'counters.db');
  const statements: QueryLog[] = [];
  const storage = sqliteStorage({ path: file, log: (statement) => statements.push(statement) });
  afterAll(() => storage.close());

  it('equal COUNT(*) after any sequence of puts, deletes, purges, commits and rollbacks', async () => {
    await exerciseRandomWrites(storage, {
      numRuns: 150,
      check: async (collections) => {
        const { counted, kept } = countsIn(file);
        expect(kept).toEqual(counted);
        for (const collection of collections) {
          expect(await storage.count(collection, { filters: [], includeDeleted: false })).toBe(
            counted.get(`${collection.resource}/${collection.parentId}`) ?? 0,
          );
        }
      },
    });
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
