import { createApp, defineResource } from '@pawl/core';
import { postgres } from '@pawl/postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { DATABASE_URL, skipPostgres, testSchema } from './helpers.js';

const schema = testSchema();
const notes = { resource: 'notes', parentId: '' };

describe.skipIf(skipPostgres)('permission and cache calls inside a storage transaction', () => {
  // A small pool that gives up quickly: a request wanting a second connection would show.
  const backends = postgres({
    connectionString: DATABASE_URL,
    schema,
    migrateOnStart: true,
    poolConfig: { max: 3, connectionTimeoutMillis: 1_500 },
  });
  afterAll(async () => {
    await backends.storage.close();
    await backends.permission.close();
    await backends.cache.close();
  });

  it('run on its connection: more concurrent writes than connections all succeed', async () => {
    const app = createApp({
      project: { name: 'notes', version: '1.0.0' },
      httpApiVersion: '1.0',
      resources: [defineResource({ name: 'notes' })],
      backends,
      userIdHmacSecret: 'shared-transaction-test',
    });
    const headers = {
      Authorization: `Basic ${Buffer.from('bob:secret').toString('base64')}`,
      'Content-Type': 'application/json',
    };
    const single = Array.from({ length: 12 }, (_, n) =>
      app.request('/v1/notes', {
        method: 'POST',
        headers,
        body: JSON.stringify({ data: { n } }),
      }),
    );
    const batches = Array.from({ length: 6 }, (_, n) =>
      app.request('/v1/batch', {
        method: 'POST',
        headers,
        body: JSON.stringify({
          defaults: { method: 'POST', path: '/notes' },
          requests: [{ body: { data: { batch: n } } }, { body: { data: { batch: n } } }],
        }),
      }),
    );
    const answers = await Promise.all([...single, ...batches]);
    expect(answers.map((answer) => answer.status)).toEqual([
      ...single.map(() => 201),
      ...batches.map(() => 200),
    ]);
    for (const answer of answers.slice(single.length)) {
      const { responses } = (await answer.json()) as { responses: Array<{ status: number }> };
      expect(responses.map((response) => response.status)).toEqual([201, 201]);
    }
  });

  it('commit or roll back with the record (permissions)', async () => {
    const { storage, permission } = backends;
    await expect(
      storage.transaction(async (session) => {
        await session.put(notes, { id: 'undone' });
        await permission.set('/notes/undone', { write: ['bob'] });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect((await permission.get(['/notes/undone'])).size).toBe(0);

    await storage.transaction(async (session) => {
      await session.put(notes, { id: 'done' });
      await permission.set('/notes/done', { write: ['bob'] });
    });
    expect((await permission.get(['/notes/done'])).get('/notes/done')).toEqual({
      write: ['bob'],
    });
  });

  it('run on the pool once the transaction has ended, even from work it started', async () => {
    const { storage, permission } = backends;
    let later: Promise<unknown> = Promise.resolve();
    let open = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    await storage.transaction(async (session) => {
      await session.put(notes, { id: 'later' });
      // Left running by the transaction's work, it goes on after the commit.
      later = gate.then(() => permission.set('/notes/later', { read: ['alice'] }));
    });
    open();
    await later;
    expect((await permission.get(['/notes/later'])).get('/notes/later')).toEqual({
      read: ['alice'],
    });
  });

  it('land after the transaction for cache writes, which take no lock in it', async () => {
    const { storage, cache } = backends;
    await cache.set('first', 0, 60);
    await cache.set('second', 0, 60);
    // Two transactions writing the same two keys in opposite orders, each waiting for the
    // other in between: with row locks held to the commit, PostgreSQL would abort one.
    let arrived = 0;
    let bothThere = () => {};
    const meeting = new Promise<void>((resolve) => {
      bothThere = resolve;
    });
    const writer = (keys: [string, string], value: number) =>
      storage.transaction(async (session) => {
        await session.put({ resource: 'notes', parentId: `writer-${value}` }, { id: 'n' });
        await cache.set(keys[0], value, 60);
        arrived++;
        if (arrived === 2) bothThere();
        await meeting;
        await cache.set(keys[1], value, 60);
      });
    await Promise.all([writer(['first', 'second'], 1), writer(['second', 'first'], 2)]);
    expect([1, 2]).toContain(await cache.get('first'));
    expect([1, 2]).toContain(await cache.get('second'));

    // A rolled-back transaction's cache writes land too: a cache is no record.
    await expect(
      storage.transaction(async () => {
        await cache.set('undone', true, 60);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await cache.get('undone')).toBe(true);
  });
});
