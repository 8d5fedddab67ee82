import { join } from 'node:path';
import { exerciseHostileFieldNames, HOSTILE_FIELD_NAMES } from '@pawl/core/testing';
import { type QueryLog, sqliteStorage } from '@pawl/sqlite';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { temporaryDirectory } from './helpers.js';

const directory = temporaryDirectory();

describe('hostile field names', () => {
  it('in filters and sorts, at any depth, never throw, never reach SQL text and leave the file intact', async () => {
    const file = join(directory, 'hostile.db');
    const statements: QueryLog[] = [];
    const storage = sqliteStorage({ path: file, log: (statement) => statements.push(statement) });
    await exerciseHostileFieldNames(storage, { resource: 'notes', parentId: '' });

    const texts = statements.map((statement) => statement.sql).join('\n');
    expect(texts).not.toContain('DROP TABLE');
    expect(texts).not.toContain('__proto__');
    expect(texts).not.toContain('[0]');
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
    for (const name of HOSTILE_FIELD_NAMES) {
      const collection = { resource: name, parentId: name };
      const id = name || 'empty';
      await storage.put(collection, { id, name });
      expect(await storage.get(collection, id)).toMatchObject({ id, name });
      expect(await storage.delete(collection, id)).toMatchObject({ id, deleted: true });
      expect(await storage.purgeTombstones(collection)).toBe(1);
    }
    expect(await storage.heartbeat()).toBe(true);
    await storage.close();
  });
});
