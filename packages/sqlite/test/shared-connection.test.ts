import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { createApp, defineResource } from '@pawl/core';
import { type SqliteBackends, sqlite } from '@pawl/sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { deferred, pending, temporaryDirectory } from './helpers.js';

const directory = temporaryDirectory();
const notes = { resource: 'notes', parentId: '' };
const open: SqliteBackends[] = [];
let fileNumber = 0;

function backends(path = join(directory, `shared-${fileNumber++}.db`)): SqliteBackends {
  const opened = sqlite({ path });
  open.push(opened);
  return opened;
}

async function closeAll(opened: SqliteBackends): Promise<void> {
  await Promise.all([opened.storage.close(), opened.permission.close(), opened.cache.close()]);
}

afterEach(async () => {
  await Promise.all(open.splice(0).map(closeAll));
});

describe('permission and cache calls on the storage connection', () => {
  it('made inside a storage transaction, run in it and commit with it', async () => {
    const { storage, permission, cache } = backends();
    await storage.transaction(async (session) => {
      await session.put(notes, { id: 'a' });
      await permission.set('/notes/a', { read: ['alice'] });
      await cache.set('seen', 1, 60);
      expect(await permission.get(['/notes/a'])).toEqual(
        new Map([['/notes/a', { read: ['alice'] }]]),
      );
      expect(await cache.increment('seen', 1, 60)).toBe(2);
    });
    expect(await permission.get(['/notes/a'])).toEqual(
      new Map([['/notes/a', { read: ['alice'] }]]),
    );
    expect(await cache.get('seen')).toBe(2);
  });

  it('made inside a storage transaction, roll back with it', async () => {
    const { storage, permission, cache } = backends();
    await permission.set('/notes/a', { read: ['before'] });
    await expect(
      storage.transaction(async (session) => {
        await session.put(notes, { id: 'a' });
        await permission.delete(['/notes/a']);
        await permission.set('/notes/a', { write: ['alice'] });
        await cache.set('k', 'v', 60);
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(await storage.get(notes, 'a')).toBeNull();
    expect(await permission.get(['/notes/a'])).toEqual(
      new Map([['/notes/a', { read: ['before'] }]]),
    );
    expect(await cache.get('k')).toBeNull();
  });

  it("made outside, wait for another request's transaction: no write joins it, no read sees it", async () => {
    const { storage, permission, cache } = backends();
    const inside = deferred();
    const release = deferred();
    const transaction = storage.transaction(async (session) => {
      await session.put(notes, { id: 'a' });
      await permission.set('/notes/a', { read: ['alice'] });
      await cache.set('k', 'uncommitted', 60);
      inside.resolve();
      await release.promise;
      throw new Error('rolled back');
    });
    await inside.promise;

    // Another request, while the transaction waits between two of its awaits.
    const write = permission.set('/notes/b', { read: ['bob'] });
    const read = permission.get(['/notes/a']);
    const listed = permission.accessible('/notes', ['alice'], ['read']);
    const cached = cache.get('k');
    const counted = cache.increment('n', 1, 60);
    for (const call of [write, read, listed, cached, counted])
      expect(await pending(call)).toBe(true);

    release.resolve();
    await expect(transaction).rejects.toThrow('rolled back');
    await write;
    expect(await read).toEqual(new Map());
    expect(await listed).toEqual([]);
    expect(await cached).toBeNull();
    expect(await counted).toBe(1);
    // The other request's write was acknowledged, and is there: the rollback did not take it.
    expect(await permission.get(['/notes/b'])).toEqual(new Map([['/notes/b', { read: ['bob'] }]]));
    expect(await permission.get(['/notes/a'])).toEqual(new Map());
    expect(await cache.get('n')).toBe(1);
  });

  it('that fail half-way leave nothing of themselves, inside a transaction or not', async () => {
    const { storage, permission } = backends();
    const before = new Map([['/x', { read: ['old'] }]]);
    await permission.set('/x', { read: ['old'] });
    // Binding an object fails after the old principals are cleared and 'new' is inserted.
    const halfWay = { read: ['new', {} as unknown as string] };
    await expect(permission.set('/x', halfWay)).rejects.toThrow();
    expect(await permission.get(['/x'])).toEqual(before);
    await storage.transaction(async (session) => {
      await session.put(notes, { id: 'kept' });
      await expect(permission.set('/x', halfWay)).rejects.toThrow();
      expect(await permission.get(['/x'])).toEqual(before);
      await permission.set('/notes/kept', { read: ['alice'] });
    });
    expect(await storage.get(notes, 'kept')).not.toBeNull();
    expect((await permission.get(['/notes/kept'])).size).toBe(1);
    expect(await permission.get(['/x'])).toEqual(before);
  });

  it('left behind by the work of a transaction (a timer), wait like any other call', async () => {
    const { storage, permission } = backends();
    const later = deferred();
    let leftBehind: Promise<void> | undefined;
    await storage.transaction(async (session) => {
      await session.put(notes, { id: 'a' });
      setTimeout(() => {
        leftBehind = permission.set('/notes/a', { read: ['late'] });
        later.resolve();
      }, 20);
    });
    // A new transaction is open when the timer fires: the call must not land in it.
    await expect(
      storage.transaction(async (session) => {
        await session.put(notes, { id: 'b' });
        await later.promise;
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await leftBehind;
    expect(await permission.get(['/notes/a'])).toEqual(new Map([['/notes/a', { read: ['late'] }]]));
  });

  it("of another sqlite(), made inside this one's transaction, wait for that one's own", async () => {
    const first = backends();
    const second = backends();
    const inside = deferred();
    const release = deferred();
    const other = second.storage.transaction(async (session) => {
      await session.put(notes, { id: 'a' });
      inside.resolve();
      await release.promise;
      throw new Error('rolled back');
    });
    await inside.promise;
    await first.storage.transaction(async (session) => {
      await session.put(notes, { id: 'a' });
      const call = second.permission.set('/notes/a', { read: ['elsewhere'] });
      expect(await pending(call)).toBe(true);
      release.resolve();
      await expect(other).rejects.toThrow('rolled back');
      await call;
    });
    expect((await second.permission.get(['/notes/a'])).size).toBe(1);
    expect((await first.permission.get(['/notes/a'])).size).toBe(0);
  });

  it('are refused once their backend is closed, while the others go on', async () => {
    const { storage, permission, cache } = backends();
    await permission.close();
    await expect(permission.get(['/x'])).rejects.toThrow(/closed/);
    expect(await permission.heartbeat()).toBe(false);
    await cache.set('k', 1, 60);
    expect(await cache.get('k')).toBe(1);
    await storage.put(notes, { id: 'a' });
    expect(await storage.heartbeat()).toBe(true);
    await storage.close();
    await expect(storage.get(notes, 'a')).rejects.toThrow(/closed/);
    expect(await cache.heartbeat()).toBe(true);
  });
});

describe('an app on sqlite()', () => {
  const SECRET = 'shared-connection-secret';
  const basic = (user: string) => `Basic ${Buffer.from(`${user}:pw`).toString('base64')}`;
  const userId = (user: string) =>
    `basicauth:${createHmac('sha256', SECRET).update(`${user}:pw`).digest('hex')}`;
  const articles = defineResource({
    name: 'articles',
    hooks: {
      beforeCreate(record) {
        if (record.explode === true) throw new Error('a server error');
      },
    },
  });

  function app(opened: SqliteBackends) {
    return createApp({
      project: { name: 'shared', version: '1.0.0' },
      httpApiVersion: '1.0',
      resources: [articles],
      backends: opened,
      userIdHmacSecret: SECRET,
      logError: () => {},
    });
  }

  function call(
    server: ReturnType<typeof app>,
    method: string,
    path: string,
    user?: string,
    body?: unknown,
  ) {
    const headers: Record<string, string> = {};
    if (user) headers.Authorization = basic(user);
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return server.request(`/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  it('keeps grants across a restart, writes a batch with its permissions atomically and serves concurrent users', async () => {
    const path = join(directory, 'app.db');
    const first = backends(path);
    let server = app(first);
    const shared = await call(server, 'PUT', '/articles/shared', 'alice', {
      data: { title: 'for Bob' },
      permissions: { read: [userId('bob')] },
    });
    expect(shared.status).toBe(201);

    // One batch, two users (each authenticated inside the batch's transaction, through the
    // cache); the last sub-request fails, so nothing of the batch stays, permissions included.
    const batch = await call(server, 'POST', '/batch', undefined, {
      requests: [
        {
          method: 'PUT',
          path: '/articles/batched',
          headers: { Authorization: basic('carol') },
          body: { data: { title: 'one' }, permissions: { read: ['system.Everyone'] } },
        },
        {
          method: 'PUT',
          path: '/articles/other',
          headers: { Authorization: basic('dave') },
          body: { data: { explode: true } },
        },
      ],
    });
    expect(batch.status).toBe(500);
    expect((await first.permission.get([`/users/${userId('carol')}/articles/batched`])).size).toBe(
      0,
    );

    // Many users at once, each writing and reading: no call waits on another forever.
    const users = Array.from({ length: 8 }, (_, i) => `user${i}`);
    const answers = await Promise.all(
      users.flatMap((user) => [
        call(server, 'PUT', `/articles/${user}-note`, user, {
          data: { title: user },
          permissions: { read: [userId('bob')] },
        }),
        call(server, 'GET', `/users/${userId('alice')}/articles`, 'bob'),
        call(server, 'POST', '/batch', undefined, {
          requests: [
            {
              method: 'POST',
              path: '/articles',
              headers: { Authorization: basic(user) },
              body: { data: { title: 'batched' } },
            },
          ],
        }),
      ]),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual(
      [...users.map(() => 200), ...users.map(() => 200), ...users.map(() => 201)].sort(),
    );
    await closeAll(first);
    open.splice(open.indexOf(first), 1);

    // The same file, opened again: Bob still reads what Alice and the others shared with him.
    server = app(backends(path));
    const list = await call(server, 'GET', `/users/${userId('alice')}/articles`, 'bob');
    expect(list.status).toBe(200);
    expect(((await list.json()) as { data: Array<{ id: string }> }).data.map((a) => a.id)).toEqual([
      'shared',
    ]);
    expect(list.headers.get('Total-Records')).toBe('1');
    const one = await call(server, 'GET', `/users/${userId('user3')}/articles/user3-note`, 'bob');
    expect(one.status).toBe(200);
    const own = await call(server, 'GET', '/articles', 'user3');
    expect(own.headers.get('Total-Records')).toBe('2');
    expect((await call(server, 'GET', '/articles/shared', 'carol')).status).toBe(404);
  });
});
