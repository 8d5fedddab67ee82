import type { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createApp, defineResource } from '../src/index.js';
import { BOB, basic, basicUserId, call, createArticle, ids, makeApp, SECRET } from './helpers.js';

const CAROL = basic('carol');
const alice = basicUserId('alice');
const bob = basicUserId('bob');

/** Alice's article, shared as given. */
async function shared(app: Hono, permissions: Record<string, string[]>) {
  const created = await call(app, 'POST', '/v1/articles', {
    body: { data: { title: 'Shared', url: `https://example.com/${Math.random()}` }, permissions },
  });
  expect(created.status).toBe(201);
  return created.body.data;
}

describe('permissions in bodies and responses', () => {
  it('always lists the creator among the writers', async () => {
    const app = makeApp();
    const created = await call(app, 'POST', '/v1/articles', {
      body: { data: { title: 'a', url: 'https://example.com/a' }, permissions: { read: [bob] } },
    });
    expect(created.body.permissions).toEqual({ read: [bob], write: [alice] });
  });

  it('refuses unknown permission names and malformed principal lists', async () => {
    const app = makeApp();
    for (const permissions of [
      { admin: [bob] },
      { read: bob },
      { read: [1] },
      { read: [''] },
      [bob],
    ]) {
      const { status, body } = await call(app, 'POST', '/v1/articles', {
        body: { data: { title: 'a', url: 'https://example.com/p' }, permissions },
      });
      expect(status, JSON.stringify(permissions)).toBe(400);
      expect(body.errno).toBe(109);
    }
  });

  it('replaces permissions on PUT and merges them on PATCH, keeping the caller a writer', async () => {
    const app = makeApp();
    const record = await shared(app, { read: [bob], write: [basicUserId('carol')] });
    const path = `/v1/articles/${record.id}`;
    const patched = await call(app, 'PATCH', path, {
      body: { permissions: { read: ['system.Everyone'] } },
    });
    expect(patched.body.permissions).toEqual({
      read: ['system.Everyone'],
      write: [alice, basicUserId('carol')],
    });
    const put = await call(app, 'PUT', path, {
      body: { data: { title: 'Shared', url: record.url }, permissions: { read: [bob] } },
    });
    expect(put.body.permissions).toEqual({ read: [bob], write: [alice] });
  });

  it('changes permissions without touching data, with a new timestamp pollers see', async () => {
    const app = makeApp();
    const record = await shared(app, {});
    const patched = await call(app, 'PATCH', `/v1/articles/${record.id}`, {
      body: { permissions: { read: [bob] } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.data.title).toBe(record.title);
    expect(patched.body.data.last_modified).toBeGreaterThan(record.last_modified);
    const poll = await call(app, 'GET', `/v1/articles?_since=${record.last_modified}`);
    expect(ids(poll)).toEqual([record.id]);
  });
});

describe('sharing in a user-scoped resource', () => {
  it("lets a reader reach a shared article under /users/{owner}, and nothing else of the owner's", async () => {
    const app = makeApp();
    const sharedOne = await shared(app, { read: [bob] });
    const privateOne = await createArticle(app);
    const base = `/v1/users/${alice}/articles`;
    const got = await call(app, 'GET', `${base}/${sharedOne.id}`, { auth: BOB });
    expect(got.status).toBe(200);
    expect(got.body.data.title).toBe('Shared');
    expect(got.body).not.toHaveProperty('permissions');
    const list = await call(app, 'GET', base, { auth: BOB });
    expect(ids(list)).toEqual([sharedOne.id]);
    expect(list.headers.get('Total-Records')).toBe('1');
    expect((await call(app, 'GET', `${base}/${privateOne.id}`, { auth: BOB })).status).toBe(404);
    expect(ids(await call(app, 'GET', '/v1/articles', { auth: BOB }))).toEqual([]);
  });

  it('lets anyone, even anonymous, read what is shared with system.Everyone', async () => {
    const app = makeApp();
    const record = await shared(app, { read: ['system.Everyone'] });
    const anonymous = await call(app, 'GET', `/v1/users/${alice}/articles/${record.id}`, {
      auth: null,
    });
    expect(anonymous.status).toBe(200);
    expect(ids(await call(app, 'GET', `/v1/users/${alice}/articles`, { auth: null }))).toEqual([
      record.id,
    ]);
  });

  it('answers 401 to anonymous callers where signing in could help', async () => {
    const app = makeApp();
    const record = await shared(app, { read: [bob] });
    const response = await call(app, 'GET', `/v1/users/${alice}/articles/${record.id}`, {
      auth: null,
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toMatch(/^Basic/);
    expect((await call(app, 'GET', `/v1/users/${alice}/articles`, { auth: null })).status).toBe(
      401,
    );
    expect((await call(app, 'GET', '/v1/articles', { auth: null })).status).toBe(401);
  });

  it('lets a reader read but not write: 403 errno 121', async () => {
    const app = makeApp();
    const record = await shared(app, { read: [bob] });
    const path = `/v1/users/${alice}/articles/${record.id}`;
    for (const [method, body] of [
      ['PATCH', { data: { title: 'hijacked' } }],
      ['PUT', { data: { title: 'hijacked', url: record.url } }],
      ['DELETE', undefined],
    ] as const) {
      const response = await call(app, method, path, { auth: BOB, body });
      expect(response.status, method).toBe(403);
      expect(response.body.errno).toBe(121);
    }
    expect((await call(app, 'GET', `/v1/articles/${record.id}`)).body.data.title).toBe('Shared');
  });

  it('refuses a reader who tries to grant itself write', async () => {
    const app = makeApp();
    const record = await shared(app, { read: [bob] });
    const response = await call(app, 'PATCH', `/v1/users/${alice}/articles/${record.id}`, {
      auth: BOB,
      body: { permissions: { write: [bob] } },
    });
    expect(response.status).toBe(403);
    const stored = await call(app, 'GET', `/v1/articles/${record.id}`);
    expect(stored.body.permissions.write).toEqual([alice]);
  });

  it("lets a writer modify, but never takes the owner's rights away", async () => {
    const app = makeApp();
    const record = await shared(app, { write: [bob] });
    const path = `/v1/users/${alice}/articles/${record.id}`;
    const modified = await call(app, 'PATCH', path, {
      auth: BOB,
      body: { data: { title: 'Edited by Bob' } },
    });
    expect(modified.status).toBe(200);
    const dropped = await call(app, 'PATCH', path, {
      auth: BOB,
      body: { permissions: { write: [] } },
    });
    expect(dropped.body.permissions.write).toEqual(expect.arrayContaining([alice, bob]));
    const owner = await call(app, 'PATCH', `/v1/articles/${record.id}`, {
      body: { data: { unread: false } },
    });
    expect(owner.status).toBe(200);
    expect(owner.body.data.title).toBe('Edited by Bob');
  });

  it("refuses to create records in someone else's collection", async () => {
    const app = makeApp();
    const post = await call(app, 'POST', `/v1/users/${alice}/articles`, {
      auth: BOB,
      body: { data: { title: 'x', url: 'https://example.com/x' } },
    });
    expect(post.status).toBe(403);
    const put = await call(app, 'PUT', `/v1/users/${alice}/articles/planted`, {
      auth: BOB,
      body: { data: { title: 'x', url: 'https://example.com/x' } },
    });
    // Bob cannot read Alice's collection, so he cannot learn whether `planted` exists.
    expect(put.status).toBe(404);
    expect(ids(await call(app, 'GET', '/v1/articles'))).toEqual([]);
  });

  it('does not leak ids of unshared records through _since, filters or 412 details', async () => {
    const app = makeApp();
    const visible = await shared(app, { read: [bob] });
    const hidden = await createArticle(app, { title: 'secret' });
    await call(app, 'DELETE', `/v1/articles/${hidden.id}`);
    const base = `/v1/users/${alice}/articles`;
    const poll = await call(app, 'GET', `${base}?_since=0`, { auth: BOB });
    expect(ids(poll)).toEqual([visible.id]);
    const filtered = await call(app, 'GET', `${base}?title=secret`, { auth: BOB });
    expect(ids(filtered)).toEqual([]);
    const stale = await call(app, 'PATCH', `${base}/${hidden.id}`, {
      auth: BOB,
      headers: { 'If-Match': '"1"' },
      body: { data: { title: 'x' } },
    });
    expect(stale.status).toBe(404);
    expect(JSON.stringify(stale.body)).not.toContain('secret');
  });

  it('shows a reader the tombstone of a shared record, so pollers learn of its deletion', async () => {
    const app = makeApp();
    const record = await shared(app, { read: [bob] });
    await call(app, 'DELETE', `/v1/articles/${record.id}`);
    const poll = await call(
      app,
      'GET',
      `/v1/users/${alice}/articles?_since=${record.last_modified}`,
      {
        auth: BOB,
      },
    );
    expect(poll.body.data).toEqual([
      { id: record.id, last_modified: expect.any(Number), deleted: true },
    ]);
  });
});

describe('shared and nested resources', () => {
  function treeApp(principals?: (user: { id: string }) => string[]) {
    const buckets = defineResource({
      name: 'buckets',
      scope: 'shared',
      permissions: { create: ['system.Authenticated'] },
    });
    const collections = defineResource({ name: 'collections', parent: buckets });
    const records = defineResource({ name: 'records', parent: collections });
    return createApp({
      project: { name: 't', version: '1' },
      httpApiVersion: '1.0',
      resources: [buckets, collections, records],
      userIdHmacSecret: SECRET,
      principals,
    });
  }

  it('shows each caller only the records of a shared collection it may read', async () => {
    const app = treeApp();
    await call(app, 'PUT', '/v1/buckets/mine', { body: { data: {} } });
    await call(app, 'PUT', '/v1/buckets/ours', { body: { data: {} }, auth: BOB });
    expect(ids(await call(app, 'GET', '/v1/buckets'))).toEqual(['mine']);
    expect(ids(await call(app, 'GET', '/v1/buckets', { auth: BOB }))).toEqual(['ours']);
    expect((await call(app, 'GET', '/v1/buckets/ours')).status).toBe(404);
  });

  it('lets write on a parent reach every child, and read on a parent read them', async () => {
    const app = treeApp();
    await call(app, 'PUT', '/v1/buckets/b1', { body: { data: {}, permissions: { read: [bob] } } });
    await call(app, 'PUT', '/v1/buckets/b1/collections/c1', { body: { data: {} } });
    const record = await call(app, 'POST', '/v1/buckets/b1/collections/c1/records', {
      body: { data: { n: 1 } },
    });
    expect(record.status).toBe(201);
    const path = `/v1/buckets/b1/collections/c1/records/${record.body.data.id}`;
    expect((await call(app, 'GET', path, { auth: BOB })).status).toBe(200);
    expect((await call(app, 'PATCH', path, { auth: BOB, body: { data: { n: 2 } } })).status).toBe(
      403,
    );
    expect((await call(app, 'GET', path, { auth: CAROL })).status).toBe(404);
    await call(app, 'PATCH', '/v1/buckets/b1', {
      body: { permissions: { write: [basicUserId('carol')] } },
    });
    expect((await call(app, 'PATCH', path, { auth: CAROL, body: { data: { n: 3 } } })).status).toBe(
      200,
    );
  });

  it('allows creating children with <child>:create on the parent, and nothing more', async () => {
    const app = treeApp();
    await call(app, 'PUT', '/v1/buckets/b1', {
      body: { data: {}, permissions: { 'collections:create': [bob] } },
    });
    const created = await call(app, 'PUT', '/v1/buckets/b1/collections/bobs', {
      auth: BOB,
      body: { data: {} },
    });
    expect(created.status).toBe(201);
    expect(created.body.permissions.write).toContain(bob);
    expect(
      (await call(app, 'PATCH', '/v1/buckets/b1', { auth: BOB, body: { data: { x: 1 } } })).status,
    ).toBe(403);
    // Who may create children may read the parent, and finds it in the list.
    expect((await call(app, 'GET', '/v1/buckets/b1', { auth: BOB })).status).toBe(200);
    expect(ids(await call(app, 'GET', '/v1/buckets', { auth: BOB }))).toEqual(['b1']);
    expect(ids(await call(app, 'GET', '/v1/buckets/b1/collections', { auth: BOB }))).toEqual([
      'bobs',
    ]);
    const denied = await call(app, 'PUT', '/v1/buckets/b1/collections/carols', {
      auth: CAROL,
      body: { data: {} },
    });
    // Carol may not read b1: whether `carols` exists must not leak, so 404 rather than 403.
    expect(denied.status).toBe(404);
  });

  it('answers 404 under a missing parent to those who may read it, 403 to others', async () => {
    const app = treeApp();
    await call(app, 'PUT', '/v1/buckets/b1', { body: { data: {} } });
    await call(app, 'PUT', '/v1/buckets/b1/collections/c1', { body: { data: {} } });
    await call(app, 'DELETE', '/v1/buckets/b1/collections/c1');
    expect((await call(app, 'GET', '/v1/buckets/b1/collections/c1/records')).status).toBe(404);
    expect((await call(app, 'GET', '/v1/buckets/nope/collections', { auth: BOB })).status).toBe(
      403,
    );
  });

  it('deletes every child and their permissions along with a parent', async () => {
    const app = treeApp();
    await call(app, 'PUT', '/v1/buckets/b1', { body: { data: {} } });
    await call(app, 'PUT', '/v1/buckets/b1/collections/c1', {
      body: { data: {}, permissions: { read: [bob] } },
    });
    await call(app, 'PUT', '/v1/buckets/b1/collections/c1/records/r1', { body: { data: {} } });
    expect((await call(app, 'GET', '/v1/buckets/b1/collections/c1', { auth: BOB })).status).toBe(
      200,
    );
    expect((await call(app, 'DELETE', '/v1/buckets/b1')).status).toBe(200);
    await call(app, 'PUT', '/v1/buckets/b1', { body: { data: {} } });
    expect(ids(await call(app, 'GET', '/v1/buckets/b1/collections'))).toEqual([]);
    await call(app, 'PUT', '/v1/buckets/b1/collections/c1', { body: { data: {} } });
    expect(ids(await call(app, 'GET', '/v1/buckets/b1/collections/c1/records'))).toEqual([]);
    expect((await call(app, 'GET', '/v1/buckets/b1/collections/c1', { auth: BOB })).status).toBe(
      404,
    );
  });

  it('grants through principals the app adds (groups)', async () => {
    const app = treeApp((user) => (user.id === bob ? ['group:editors'] : []));
    await call(app, 'PUT', '/v1/buckets/b1', {
      body: { data: {}, permissions: { write: ['group:editors'] } },
    });
    expect(
      (await call(app, 'PATCH', '/v1/buckets/b1', { auth: BOB, body: { data: { v: 1 } } })).status,
    ).toBe(200);
    expect(
      (await call(app, 'PATCH', '/v1/buckets/b1', { auth: CAROL, body: { data: { v: 2 } } }))
        .status,
    ).toBe(404);
    const hello = await call(app, 'GET', '/v1/', { auth: BOB });
    expect(hello.body.user.principals).toContain('group:editors');
  });

  it('lets anonymous callers in only where system.Everyone is granted', async () => {
    const app = treeApp();
    await call(app, 'PUT', '/v1/buckets/public', {
      body: { data: {}, permissions: { read: ['system.Everyone'] } },
    });
    await call(app, 'PUT', '/v1/buckets/private', { body: { data: {} } });
    expect((await call(app, 'GET', '/v1/buckets/public', { auth: null })).status).toBe(200);
    expect((await call(app, 'GET', '/v1/buckets/private', { auth: null })).status).toBe(401);
    expect(
      (await call(app, 'PUT', '/v1/buckets/new', { auth: null, body: { data: {} } })).status,
    ).toBe(401);
    expect(ids(await call(app, 'GET', '/v1/buckets', { auth: null }))).toEqual(['public']);
  });

  it('hides a conflicting record the caller may not read from 409 details', async () => {
    const notes = defineResource({
      name: 'notes',
      scope: 'shared',
      unique: ['slug'],
      permissions: { create: ['system.Authenticated'] },
    });
    const app = createApp({
      project: { name: 't', version: '1' },
      httpApiVersion: '1.0',
      resources: [notes],
      userIdHmacSecret: SECRET,
    });
    await call(app, 'POST', '/v1/notes', {
      body: { data: { slug: 'taken', secret: 'alice only' } },
    });
    const clash = await call(app, 'POST', '/v1/notes', {
      auth: BOB,
      body: { data: { slug: 'taken' } },
    });
    expect(clash.status).toBe(409);
    expect(JSON.stringify(clash.body)).not.toContain('alice only');
  });
});

describe('fixes to what permissions reveal', () => {
  it('keeps sharing when a PUT carries no permissions', async () => {
    const app = makeApp();
    const record = await shared(app, { read: [bob] });
    const put = await call(app, 'PUT', `/v1/articles/${record.id}`, {
      body: { data: { title: 'Renamed', url: record.url } },
    });
    expect(put.body.permissions.read).toEqual([bob]);
    expect(
      (await call(app, 'GET', `/v1/users/${alice}/articles/${record.id}`, { auth: BOB })).status,
    ).toBe(200);
  });

  it('tells an anonymous caller nothing about a collection timestamp it may not read', async () => {
    const app = makeApp();
    await createArticle(app);
    const response = await call(app, 'GET', `/v1/users/${alice}/articles`, {
      auth: null,
      headers: { 'If-None-Match': '"99999999999999"' },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('ETag')).toBeNull();
  });
});
