import { describe, expect, it } from 'vitest';
import { defineResource, memoryStorage, type StorageBackend } from '../src/index.js';
import { ALICE, appServing, article, BOB, call, createArticle, makeApp } from './helpers.js';

describe('POST /batch', () => {
  it('runs every request in order and answers each with status, path, body and headers', async () => {
    const app = makeApp();
    const first = article();
    const { status, body } = await call(app, 'POST', '/v1/batch', {
      body: {
        defaults: { method: 'POST', path: '/articles' },
        requests: [
          { body: { data: first } },
          { body: { data: article() } },
          { method: 'GET', path: '/articles' },
        ],
      },
    });
    expect(status).toBe(200);
    expect(body.responses.map((r: { status: number }) => r.status)).toEqual([201, 201, 200]);
    expect(body.responses[0]).toMatchObject({
      path: '/v1/articles',
      body: { data: { url: first.url } },
    });
    expect(body.responses[2].headers['total-records']).toBe('2');
    expect(body.responses[2].body.data).toHaveLength(2);
  });

  it('accepts paths with or without the version prefix', async () => {
    const app = makeApp();
    const { body } = await call(app, 'POST', '/v1/batch', {
      body: { requests: [{ path: '/v1/articles' }, { path: '/articles?_limit=1' }] },
    });
    expect(body.responses.map((r: { status: number; path: string }) => [r.status, r.path])).toEqual(
      [
        [200, '/v1/articles'],
        [200, '/v1/articles?_limit=1'],
      ],
    );
  });

  it('counts several collections in one request with HEAD', async () => {
    const app = makeApp();
    await createArticle(app);
    await call(app, 'POST', '/v1/notes', { body: { data: { a: 1 } } });
    await call(app, 'POST', '/v1/notes', { body: { data: { a: 2 } } });
    const { body } = await call(app, 'POST', '/v1/batch', {
      body: { defaults: { method: 'HEAD' }, requests: [{ path: '/articles' }, { path: '/notes' }] },
    });
    expect(
      body.responses.map((r: { headers: Record<string, string> }) => r.headers['total-records']),
    ).toEqual(['1', '2']);
  });

  it('merges default headers and body into each request', async () => {
    const app = makeApp();
    const { body } = await call(app, 'POST', '/v1/batch', {
      body: {
        defaults: { method: 'POST', path: '/notes', body: { data: { shared: true } } },
        requests: [{ body: { data: { own: 1 } } }, {}],
      },
    });
    expect(body.responses[0].body.data).toMatchObject({ shared: true, own: 1 });
    expect(body.responses[1].body.data).toMatchObject({ shared: true });
  });

  it('gives each request its own copy of a default body, whatever a hook does to it', async () => {
    const counters = defineResource({
      name: 'counters',
      hooks: {
        beforeCreate: (record) => {
          // A hook that changes the object it receives instead of returning a new one.
          const fields = record as unknown as { tally: string[] };
          fields.tally.push('seen');
          return record;
        },
      },
    });
    const app = appServing([counters]);
    const { body } = await call(app, 'POST', '/v1/batch', {
      body: {
        defaults: { method: 'POST', path: '/counters', body: { data: { tally: [] } } },
        requests: [{}, {}, {}],
      },
    });
    const tallies = body.responses.map(
      (r: { body: { data: { tally: string[] } } }) => r.body.data.tally,
    );
    expect(tallies).toEqual([['seen'], ['seen'], ['seen']]);
  });

  it('runs the after hooks of its requests once it is committed, and none when rolled back', async () => {
    const seen: string[] = [];
    const counts: number[] = [];
    const storage = memoryStorage();
    const notes = defineResource({
      name: 'notes',
      hooks: {
        beforeCreate: (record) => {
          if (record.fail) throw new Error('a bug in a hook');
          return record;
        },
        afterCreate: async (record) => {
          seen.push(record.title as string);
          counts.push(await storage.count({ resource: 'notes', parentId: '' }, { filters: [] }));
        },
      },
      scope: 'shared',
      permissions: { read: ['system.Authenticated'], create: ['system.Authenticated'] },
    });
    const app = appServing([notes], { backends: { storage } });
    const batch = (requests: unknown[]) =>
      call(app, 'POST', '/v1/batch', {
        body: { defaults: { method: 'POST', path: '/notes' }, requests },
      });

    const rolledBack = await batch([
      { body: { data: { title: 'a' } } },
      { body: { data: { title: 'b', fail: true } } },
    ]);
    expect(rolledBack.status).toBe(500);
    expect(seen).toEqual([]);

    const committed = await batch([
      { body: { data: { title: 'c' } } },
      { body: { data: { title: 'd' } } },
      { body: { data: { title: 'e' } } },
    ]);
    expect(committed.status).toBe(200);
    expect(seen).toEqual(['c', 'd', 'e']);
    // Each hook ran after the commit: all three records were stored by then.
    expect(counts).toEqual([3, 3, 3]);
  });

  it('logs a failing after hook and answers every committed request, in batches and alone', async () => {
    const hooked: string[] = [];
    const logged: unknown[] = [];
    const notes = defineResource({
      name: 'notes',
      hooks: {
        afterCreate: (record) => {
          hooked.push(record.title as string);
          if (record.title === 'first') throw new Error('the search index is down');
        },
      },
    });
    const app = appServing([notes], { logError: (error) => logged.push(error) });
    const batch = await call(app, 'POST', '/v1/batch', {
      body: {
        defaults: { method: 'POST', path: '/notes' },
        requests: [{ body: { data: { title: 'first' } } }, { body: { data: { title: 'second' } } }],
      },
    });
    expect(batch.status).toBe(200);
    expect(batch.body.responses.map((r: { status: number }) => r.status)).toEqual([201, 201]);
    expect(hooked).toEqual(['first', 'second']);
    const alone = await call(app, 'POST', '/v1/notes', { body: { data: { title: 'first' } } });
    expect(alone.status).toBe(201);
    expect(logged).toHaveLength(2);
    expect((await call(app, 'GET', '/v1/notes')).headers.get('Total-Records')).toBe('3');
  });

  it('reports failures beside successes and keeps the successes', async () => {
    const app = makeApp();
    const taken = await createArticle(app);
    const { status, body } = await call(app, 'POST', '/v1/batch', {
      body: {
        defaults: { method: 'POST', path: '/articles' },
        requests: [
          { body: { data: article({ title: 'kept' }) } },
          { body: { data: article({ url: taken.url }) } },
          { body: { data: { title: 42 } } },
          { method: 'GET', path: '/articles/unknown' },
        ],
      },
    });
    expect(status).toBe(200);
    expect(body.responses.map((r: { status: number }) => r.status)).toEqual([201, 409, 400, 404]);
    expect(body.responses[1].body).toMatchObject({ errno: 122 });
    const list = await call(app, 'GET', '/v1/articles?title=kept');
    expect(list.body.data).toHaveLength(1);
  });

  it('refuses more requests than batch_max_requests with 400', async () => {
    const app = makeApp({ settings: { batchMaxRequests: 3 } });
    const { status, body } = await call(app, 'POST', '/v1/batch', {
      body: { requests: Array.from({ length: 4 }, () => ({ path: '/articles' })) },
    });
    expect(status).toBe(400);
    expect(body).toMatchObject({ errno: 107, message: expect.stringContaining('limited to 3') });
  });

  it('refuses 26 requests by default and accepts 25', async () => {
    const app = makeApp();
    const many = (n: number) => ({
      requests: Array.from({ length: n }, () => ({ path: '/articles' })),
    });
    expect((await call(app, 'POST', '/v1/batch', { body: many(26) })).status).toBe(400);
    expect((await call(app, 'POST', '/v1/batch', { body: many(25) })).status).toBe(200);
  });

  it('refuses a batch inside a batch', async () => {
    const app = makeApp();
    for (const path of ['/batch', '/v1/batch', '/batch?x=1']) {
      const { status, body } = await call(app, 'POST', '/v1/batch', {
        body: { requests: [{ method: 'POST', path, body: { requests: [] } }] },
      });
      expect(status, path).toBe(400);
      expect(body.errno).toBe(107);
    }
  });

  it.each([
    ['a body that is not an object', [1, 2]],
    ['no requests', {}],
    ['an empty requests list', { requests: [] }],
    ['an unknown attribute', { requests: [{ path: '/articles' }], extra: 1 }],
    ['a request without path', { requests: [{ method: 'GET' }] }],
    ['a relative path', { requests: [{ path: 'articles' }] }],
    ['an unknown method', { requests: [{ method: 'BREW', path: '/articles' }] }],
    ['non-string headers', { requests: [{ path: '/articles', headers: { 'If-Match': 1 } }] }],
    ['a body that is a list', { requests: [{ method: 'POST', path: '/notes', body: [] }] }],
    ['an unknown request attribute', { requests: [{ path: '/articles', verb: 'GET' }] }],
  ])('answers 400 errno 107 for %s', async (_, payload) => {
    const { status, body } = await call(makeApp(), 'POST', '/v1/batch', { body: payload });
    expect(status).toBe(400);
    expect(body).toMatchObject({ code: 400, errno: 107 });
  });

  it("cannot reach another user's records: sub-requests carry the batch's credentials", async () => {
    const app = makeApp();
    const secret = await createArticle(app, { title: 'alice only' }, ALICE);
    const { body } = await call(app, 'POST', '/v1/batch', {
      auth: BOB,
      body: {
        requests: [
          { path: `/articles/${secret.id}` },
          { method: 'DELETE', path: `/articles/${secret.id}` },
          { path: '/articles' },
          { path: `/articles/${secret.id}`, headers: { Authorization: BOB } },
        ],
      },
    });
    expect(body.responses.map((r: { status: number }) => r.status)).toEqual([404, 404, 200, 404]);
    expect(body.responses[2].body.data).toEqual([]);
    expect((await call(app, 'GET', `/v1/articles/${secret.id}`)).status).toBe(200);
  });

  it('answers 401 to sub-requests when the batch itself is anonymous', async () => {
    const { status, body } = await call(makeApp(), 'POST', '/v1/batch', {
      auth: null,
      body: { requests: [{ path: '/articles' }] },
    });
    expect(status).toBe(200);
    expect(body.responses[0].status).toBe(401);
  });

  it('runs the whole batch in one storage transaction', async () => {
    const backend = memoryStorage();
    let transactions = 0;
    const counting: StorageBackend = {
      ...backend,
      transaction(work) {
        transactions += 1;
        return backend.transaction(work);
      },
    };
    const app = appServing([defineResource({ name: 'notes' })], {
      backends: { storage: counting },
    });
    const { body } = await call(app, 'POST', '/v1/batch', {
      body: {
        defaults: { method: 'POST', path: '/notes' },
        requests: Array.from({ length: 25 }, (_, i) => ({ body: { data: { i } } })),
      },
    });
    expect(body.responses.every((r: { status: number }) => r.status === 201)).toBe(true);
    expect(transactions).toBe(1);
  });

  it('rolls every write back when a sub-request fails with a server error', async () => {
    let calls = 0;
    const flaky = defineResource({
      name: 'notes',
      hooks: {
        beforeCreate: () => {
          calls += 1;
          if (calls === 2) throw new Error('disk on fire');
        },
      },
    });
    const app = appServing([flaky], { logError: () => {} });
    const { status, body, headers } = await call(app, 'POST', '/v1/batch', {
      body: {
        defaults: { method: 'POST', path: '/notes' },
        requests: [{ body: { data: { n: 1 } } }, { body: { data: { n: 2 } } }],
      },
    });
    expect(status).toBe(500);
    expect(body).toMatchObject({ errno: 999 });
    expect(headers.get('Retry-After')).toBe('30');
    expect((await call(app, 'GET', '/v1/notes')).body.data).toEqual([]);
  });
});
