import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackendError, createApp, defineResource } from '@pawl/core';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { sqlite } from '../src/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('database failures', () => {
  it('answer 503 errno 201 when another process holds the write lock past the timeout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pawl-busy-'));
    dirs.push(dir);
    const path = join(dir, 'busy.db');
    const backends = sqlite({ path, busyTimeout: 50 });
    const app = createApp({
      project: { name: 't', version: '1' },
      httpApiVersion: '1.0',
      resources: [defineResource({ name: 'notes' })],
      backends,
      userIdHmacSecret: 's',
      logError: () => {},
    });
    const post = () =>
      app.request('/v1/notes', {
        method: 'POST',
        headers: {
          Authorization: `Basic ${Buffer.from('a:b').toString('base64')}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ data: { n: 1 } }),
      });
    expect((await post()).status).toBe(201);
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      const response = await post();
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ code: 503, errno: 201 });
      expect(response.headers.get('Retry-After')).not.toBeNull();
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect((await post()).status).toBe(201);
    await backends.storage.close();
    await backends.permission.close();
    await backends.cache.close();
  });

  it('is a BackendError for code that uses the storage directly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pawl-busy-'));
    dirs.push(dir);
    const path = join(dir, 'busy.db');
    const { storage } = sqlite({ path, busyTimeout: 20 });
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      await expect(
        storage.put({ resource: 'notes', parentId: 'u' }, { id: 'a' }),
      ).rejects.toBeInstanceOf(BackendError);
    } finally {
      other.exec('ROLLBACK');
      other.close();
      await storage.close();
    }
  });

  it('is a BackendError for a permission or cache write too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pawl-busy-'));
    dirs.push(dir);
    const path = join(dir, 'busy.db');
    const { storage, permission, cache } = sqlite({ path, busyTimeout: 20 });
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      await expect(permission.set('/notes/a', { read: ['x'] })).rejects.toBeInstanceOf(
        BackendError,
      );
      await expect(cache.set('k', 1, 60)).rejects.toBeInstanceOf(BackendError);
    } finally {
      other.exec('ROLLBACK');
      other.close();
      await Promise.all([storage.close(), permission.close(), cache.close()]);
    }
  });
});
