import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { migrate, sqliteStorage } from '@pawl/sqlite';
import { describe, expect, it } from 'vitest';
import { temporaryDirectory } from './helpers.js';

const directory = temporaryDirectory();

describe('heartbeat', () => {
  it('is true for an open file database and an in-memory one', async () => {
    for (const path of [join(directory, 'alive.db'), ':memory:']) {
      const storage = sqliteStorage({ path });
      expect(await storage.heartbeat()).toBe(true);
      await storage.close();
    }
  });

  it('is false once the storage is closed', async () => {
    const storage = sqliteStorage({ path: join(directory, 'closed.db') });
    await storage.close();
    expect(await storage.heartbeat()).toBe(false);
  });

  it('is false once the file is deleted, though the open handle still answers queries', async () => {
    const file = join(directory, 'deleted.db');
    const storage = sqliteStorage({ path: file });
    await storage.put({ resource: 'notes', parentId: '' }, { id: 'a' });
    rmSync(file);
    expect(await storage.get({ resource: 'notes', parentId: '' }, 'a')).not.toBeNull();
    expect(await storage.heartbeat()).toBe(false);
    await storage.close();
  });

  it('is false once another file takes its place', async () => {
    const file = join(directory, 'replaced.db');
    const other = join(directory, 'other.db');
    const storage = sqliteStorage({ path: file });
    migrate(other);
    renameSync(other, file);
    expect(await storage.heartbeat()).toBe(false);
    await storage.close();
  });

  it('never throws', async () => {
    const storage = sqliteStorage({ path: join(directory, 'never-throws.db') });
    await storage.close();
    await expect(storage.heartbeat()).resolves.toBe(false);
    await expect(storage.get({ resource: 'notes', parentId: '' }, 'a')).rejects.toThrow();
  });
});
