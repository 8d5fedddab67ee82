import { createApp, defineResource } from '@pawl/core';
import { postgres, postgresStorage } from '@pawl/postgres';
import { Pool } from 'pg';
import { describe, expect, it } from 'vitest';
import { DATABASE_URL, skipPostgres, testSchema } from './helpers.js';

const schema = testSchema();
const notes = { resource: 'notes', parentId: '' };

describe.skipIf(skipPostgres)('postgres()', () => {
  it('gives createApp its storage, permission and cache on one database', async () => {
    const backends = postgres({ connectionString: DATABASE_URL, schema });
    const app = createApp({
      project: { name: 'notes', version: '1.0.0' },
      httpApiVersion: '1.0',
      resources: [defineResource({ name: 'notes' })],
      backends,
      userIdHmacSecret: 'backends-test',
    });
    const headers = {
      Authorization: `Basic ${Buffer.from('bob:secret').toString('base64')}`,
      'Content-Type': 'application/json',
    };
    const created = await app.request('/v1/notes', {
      method: 'POST',
      headers,
      body: JSON.stringify({ data: { text: 'hello' } }),
    });
    expect(created.status).toBe(201);
    const listed = await app.request('/v1/notes', { headers });
    expect(((await listed.json()) as { data: unknown }).data).toMatchObject([{ text: 'hello' }]);
    expect(listed.headers.get('ETag')).toMatch(/^"\d+"$/);
    const heartbeat = await app.request('/v1/__heartbeat__');
    expect(heartbeat.status).toBe(200);
    expect(await heartbeat.json()).toMatchObject({ storage: true, permission: true, cache: true });

    // The pool serves the others until they close too.
    await backends.storage.close();
    await backends.permission.close();
    await backends.cache.set('still', 'here', 60);
    expect(await backends.cache.get('still')).toBe('here');
    await backends.cache.close();
  });

  it('uses a pool of the app as it is, and leaves it open', async () => {
    const pool = new Pool({ connectionString: DATABASE_URL, max: 2 });
    const storage = postgresStorage({ pool, schema });
    await storage.put(notes, { id: 'lent' });
    await storage.close();
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await pool.end();
  });

  it('keeps timestamps increasing with a clock that goes back', async () => {
    let now = Date.now() + 60_000;
    const storage = postgresStorage({ connectionString: DATABASE_URL, schema, clock: () => now });
    const collection = { resource: 'clock', parentId: '' };
    const first = await storage.put(collection, { id: 'a' });
    expect(first.last_modified).toBe(now);
    now -= 30_000;
    const second = await storage.put(collection, { id: 'b' });
    expect(second.last_modified).toBe(first.last_modified + 1);
    expect((await storage.delete(collection, 'a'))?.last_modified).toBe(first.last_modified + 2);
    await storage.close();
  });

  it('gives a never-written collection timestamp 0 without writing anything', async () => {
    const storage = postgresStorage({ connectionString: DATABASE_URL, schema });
    const collection = { resource: 'never', parentId: 'written' };
    expect(await storage.timestamp(collection)).toBe(0);
    expect(await storage.list(collection, { filters: [], sort: [] })).toEqual([]);
    expect(await storage.delete(collection, 'nothing')).toBeNull();
    const pool = new Pool({ connectionString: DATABASE_URL, max: 1 });
    const { rows } = await pool.query(
      `SELECT count(*)::int AS rows FROM "${schema}".timestamps WHERE resource = 'never'`,
    );
    expect(rows).toEqual([{ rows: 0 }]);
    await pool.end();
    await storage.close();
  });
});
