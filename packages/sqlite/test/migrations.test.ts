import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { migrate, sqliteStorage } from '@pawl/sqlite';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/database.js';
import { applyMigrations, MIGRATIONS } from '../src/schema/migrations.js';
import { runCli, temporaryDirectory } from './helpers.js';

const directory = temporaryDirectory();
const LATEST = MIGRATIONS.at(-1)?.version ?? 0;

function versions(file: string): Array<{ version: number; name: string }> {
  const database = openDatabase(file);
  try {
    return database
      .prepare('SELECT version, name FROM pawl_migrations ORDER BY version')
      .all() as Array<{ version: number; name: string }>;
  } finally {
    database.close();
  }
}

function indexNames(file: string): string[] {
  const database = openDatabase(file);
  try {
    const rows = database
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'records'")
      .all() as Array<{ name: string }>;
    return rows.map((row) => row.name);
  } finally {
    database.close();
  }
}

describe('migrations', () => {
  it('are numbered from 1 without gaps', () => {
    expect(MIGRATIONS.map((migration) => migration.version)).toEqual(
      Array.from({ length: MIGRATIONS.length }, (_, i) => i + 1),
    );
    expect(LATEST).toBeGreaterThanOrEqual(2);
  });

  it('a database made with migration 1 only opens in this version, data intact', async () => {
    const file = join(directory, 'old.db');
    const old = openDatabase(file);
    applyMigrations(old, MIGRATIONS.slice(0, 1));
    old
      .prepare(
        'INSERT INTO records (resource, parent_id, id, last_modified, deleted, data) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run('books', 'alice', 'b1', 1000, 0, JSON.stringify({ title: 'Dune' }));
    old
      .prepare(
        'INSERT INTO records (resource, parent_id, id, last_modified, deleted, data) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run('books', 'alice', 'b2', 1001, 1, '{"deleted":true}');
    old
      .prepare('INSERT INTO timestamps (resource, parent_id, last_modified) VALUES (?, ?, ?)')
      .run('books', 'alice', 1001);
    old.close();
    expect(versions(file).map((row) => row.version)).toEqual([1]);
    expect(indexNames(file)).not.toContain('records_tombstones');

    const storage = sqliteStorage({ path: file });
    const books = { resource: 'books', parentId: 'alice' };
    expect(await storage.get(books, 'b1')).toEqual({
      id: 'b1',
      title: 'Dune',
      last_modified: 1000,
    });
    expect(await storage.timestamp(books)).toBe(1001);
    const next = await storage.put(books, { id: 'b3' });
    expect(next.last_modified).toBeGreaterThan(1001);
    expect(await storage.purgeTombstones(books)).toBe(1);
    await storage.close();

    expect(versions(file)).toEqual(MIGRATIONS.map(({ version, name }) => ({ version, name })));
    expect(indexNames(file)).toContain('records_tombstones');
  });

  it('migrate() creates and upgrades a file, then reports it up to date', () => {
    const file = join(directory, 'new.db');
    const all = MIGRATIONS.map((migration) => migration.version);
    expect(migrate(file)).toEqual({ from: 0, to: LATEST, applied: all });
    expect(migrate(file)).toEqual({ from: LATEST, to: LATEST, applied: [] });
    expect(versions(file).map((row) => row.version)).toEqual(all);
  });

  it('a database from a newer version is refused and left alone', () => {
    const file = join(directory, 'future.db');
    migrate(file);
    const database = openDatabase(file);
    database
      .prepare('INSERT INTO pawl_migrations (version, name, applied_at) VALUES (?, ?, ?)')
      .run(LATEST + 1, 'from the future', 0);
    database.close();
    expect(() => sqliteStorage({ path: file })).toThrow(/newer than this @pawl\/sqlite knows/);
    expect(() => migrate(file)).toThrow(/newer/);
    expect(versions(file).at(-1)?.version).toBe(LATEST + 1);
  });

  it('the migrate command applies the migrations and exits 0', async () => {
    const file = join(directory, 'command.db');
    const first = await runCli(['migrate', file]);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout.trim()).toBe(
      `schema version 0 -> ${LATEST} (applied ${MIGRATIONS.map((m) => m.version).join(', ')})`,
    );
    expect((await runCli(['migrate', file])).stdout.trim()).toBe(
      `schema version ${LATEST}: up to date`,
    );
    const usage = await runCli(['migrate']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/Usage:/);
    expect(existsSync(file)).toBe(true);
  });
});
