import { join } from 'node:path';
import { type Filter, type FilterOperator, getPath, type JsonValue } from '@pawl/core';
import { type QueryLog, sqliteStorage } from '@pawl/sqlite';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { temporaryDirectory } from './helpers.js';

const directory = temporaryDirectory();
const HOSTILE = ["a'); DROP TABLE records;--", '__proto__', '"', '$', '[0]', '*', '\\', "'", '$.a'];
const OPERATORS: ReadonlyArray<[FilterOperator, JsonValue]> = [
  ['eq', 'x'],
  ['not', 1],
  ['lt', 5],
  ['gt', 'a'],
  ['min', null],
  ['max', true],
  ['in', [1, 'x', { a: [1] }]],
  ['exclude', ['x']],
  ['has', true],
  ['like', "%'_*"],
  ['contains', ['x', { k: 1 }]],
  ['contains_any', [1, [2]]],
];

describe('hostile field names', () => {
  it('in filters and sorts, at any depth, never throw, never reach SQL text and leave the file intact', async () => {
    const file = join(directory, 'hostile.db');
    const statements: QueryLog[] = [];
    const storage = sqliteStorage({ path: file, log: (statement) => statements.push(statement) });
    const notes = { resource: 'notes', parentId: '' };
    const fields = Object.fromEntries(HOSTILE.map((name) => [name, 'x']));
    await storage.put(notes, { id: 'plain', title: 'plain' });
    await storage.put(notes, { id: 'hostile', ...fields, nested: { ...fields } });

    for (const name of HOSTILE) {
      for (const path of [[name], ['nested', name], [name, 'deeper'], [name, name]]) {
        for (const [operator, value] of OPERATORS) {
          const filter: Filter = { path, operator, value };
          await storage.list(notes, {
            filters: [filter],
            sort: [{ path: ['id'], direction: 'asc' }],
          });
          await storage.count(notes, { filters: [filter], includeDeleted: true });
        }
        for (const direction of ['asc', 'desc'] as const) {
          const sort = [
            { path, direction },
            { path: ['id'], direction: 'asc' as const },
          ];
          const page = await storage.list(notes, { filters: [], sort, limit: 1 });
          const first = page[0] ?? {};
          const after = sort.map(({ path: keys }) => getPath(first, keys) ?? null);
          await storage.list(notes, { filters: [], sort, after });
        }
      }
      const eq = await storage.list(notes, {
        filters: [{ path: ['nested', name], operator: 'eq', value: 'x' }],
        sort: [{ path: ['id'], direction: 'asc' }],
      });
      expect(
        eq.map((item) => item.id),
        name,
      ).toEqual(['hostile']);
    }

    const texts = statements.map((statement) => statement.sql).join('\n');
    expect(texts).not.toContain('DROP TABLE');
    expect(texts).not.toContain('__proto__');
    expect(texts).not.toContain('[0]');
    expect(await storage.count(notes, { filters: [] })).toBe(2);
    await storage.close();

    const reader = new Database(file, { readonly: true });
    expect(reader.pragma('integrity_check', { simple: true })).toBe('ok');
    const tables = reader
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all();
    expect(tables).toEqual([
      { name: 'cache' },
      { name: 'collection_counts' },
      { name: 'pawl_migrations' },
      { name: 'permissions' },
      { name: 'records' },
      { name: 'timestamps' },
    ]);
    reader.close();
  });

  it('hostile resource names, parent ids and ids are data too', async () => {
    const storage = sqliteStorage({ path: ':memory:' });
    for (const name of HOSTILE) {
      const collection = { resource: name, parentId: name };
      await storage.put(collection, { id: name, name });
      expect(await storage.get(collection, name)).toMatchObject({ id: name, name });
      expect(await storage.delete(collection, name)).toMatchObject({ id: name, deleted: true });
      expect(await storage.purgeTombstones(collection)).toBe(1);
    }
    expect(await storage.heartbeat()).toBe(true);
    await storage.close();
  });
});
