/**
 * Every cell of the concurrency-control table of the protocol (timestamps.rst), for GET,
 * POST, PUT, PATCH and DELETE, plus cache control with `If-None-Match: "<timestamp>"`.
 */
import type { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import {
  article,
  type CallResult,
  call,
  createArticle,
  isEnvelope,
  type Json,
  makeApp,
} from './helpers.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const METHODS: Method[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Sends `method` aimed at the record `id` (POST sends the id in its body). */
function send(
  app: Hono,
  method: Method,
  id: string,
  headers: Record<string, string>,
): Promise<CallResult> {
  switch (method) {
    case 'GET':
      return call(app, 'GET', `/v1/articles/${id}`, { headers });
    case 'POST':
      return call(app, 'POST', '/v1/articles', { body: { data: { ...article(), id } }, headers });
    case 'PUT':
      return call(app, 'PUT', `/v1/articles/${id}`, {
        body: { data: article({ title: 'overwritten' }) },
        headers,
      });
    case 'PATCH':
      return call(app, 'PATCH', `/v1/articles/${id}`, {
        body: { data: { title: 'modified' } },
        headers,
      });
    case 'DELETE':
      return call(app, 'DELETE', `/v1/articles/${id}`, { headers });
  }
}

async function stored(app: Hono, id: string): Promise<Json> {
  const response = await call(app, 'GET', `/v1/articles/${id}`);
  return response.status === 200 ? response.body.data : null;
}

const UNKNOWN_ID = '0c8dd5a6-6d47-4e39-a6b1-1e9d3f0f0d7a';

/** Checks the effect the table names: Fetch, Overwrite, Modify or Delete. */
async function expectApplied(
  app: Hono,
  method: Method,
  response: CallResult,
  before: Json,
): Promise<void> {
  expect(response.status).toBe(200);
  const after = await stored(app, before.id);
  switch (method) {
    case 'GET':
    case 'POST':
      expect(response.body.data).toEqual(before);
      expect(after).toEqual(before);
      break;
    case 'PUT':
      expect(after.title).toBe('overwritten');
      break;
    case 'PATCH':
      expect(after.title).toBe('modified');
      break;
    case 'DELETE':
      expect(response.body.data).toMatchObject({ id: before.id, deleted: true });
      expect(after).toBeNull();
      break;
  }
}

async function expect412(app: Hono, response: CallResult, existing: Json): Promise<void> {
  expect(response.status).toBe(412);
  expect(isEnvelope(response)).toBe(true);
  expect(response.body.errno).toBe(114);
  expect(response.body.error).toBe('Precondition Failed');
  if (existing) {
    expect(response.body.details).toEqual({ existing });
    expect(await stored(app, existing.id)).toEqual(existing);
  } else {
    expect(response.body.details?.existing).toBeUndefined();
  }
}

describe('If-Match: "<timestamp>"', () => {
  it.each(METHODS)(
    'applies %s when the record did not change (Fetch/Overwrite/Modify/Delete)',
    async (method) => {
      const app = makeApp();
      const record = await createArticle(app);
      const response = await send(app, method, record.id, {
        'If-Match': `"${record.last_modified}"`,
      });
      await expectApplied(app, method, response, record);
    },
  );

  it.each(METHODS)(
    'answers 412 with the stored record when If-Match is stale on %s',
    async (method) => {
      const app = makeApp();
      const record = await createArticle(app);
      await call(app, 'PATCH', `/v1/articles/${record.id}`, {
        body: { data: { title: 'changed meanwhile' } },
      });
      const current = await stored(app, record.id);
      const response = await send(app, method, record.id, {
        'If-Match': `"${record.last_modified}"`,
      });
      await expect412(app, response, current);
    },
  );

  it('creates on POST without id when If-Match is the current collection ETag', async () => {
    const app = makeApp();
    await createArticle(app);
    const list = await call(app, 'GET', '/v1/articles');
    const response = await call(app, 'POST', '/v1/articles', {
      body: { data: article() },
      headers: { 'If-Match': list.headers.get('ETag') as string },
    });
    expect(response.status).toBe(201);
  });

  it('answers 412 on POST without id when the collection changed since If-Match', async () => {
    const app = makeApp();
    await createArticle(app);
    const list = await call(app, 'GET', '/v1/articles');
    await createArticle(app);
    const response = await call(app, 'POST', '/v1/articles', {
      body: { data: article() },
      headers: { 'If-Match': list.headers.get('ETag') as string },
    });
    await expect412(app, response, null);
    const after = await call(app, 'GET', '/v1/articles');
    expect(after.body.data).toHaveLength(2);
  });

  it('answers 412 on a list GET when the collection changed since If-Match, 200 otherwise', async () => {
    const app = makeApp();
    await createArticle(app);
    const list = await call(app, 'GET', '/v1/articles');
    const etag = list.headers.get('ETag') as string;
    expect((await call(app, 'GET', '/v1/articles', { headers: { 'If-Match': etag } })).status).toBe(
      200,
    );
    await createArticle(app);
    const response = await call(app, 'GET', '/v1/articles', { headers: { 'If-Match': etag } });
    await expect412(app, response, null);
  });

  it('answers 412 on a collection DELETE when the collection changed since If-Match', async () => {
    const app = makeApp({ allowCollectionDelete: true });
    await createArticle(app);
    const list = await call(app, 'GET', '/v1/articles');
    await createArticle(app);
    const response = await call(app, 'DELETE', '/v1/articles', {
      headers: { 'If-Match': list.headers.get('ETag') as string },
    });
    expect(response.status).toBe(412);
    expect((await call(app, 'GET', '/v1/articles')).body.data).toHaveLength(2);
  });

  it('answers 412 on PATCH and DELETE of a deleted record with its old timestamp', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    await call(app, 'DELETE', `/v1/articles/${record.id}`);
    for (const method of ['PATCH', 'DELETE'] as const) {
      const response = await send(app, method, record.id, {
        'If-Match': `"${record.last_modified}"`,
      });
      expect(response.status).toBe(412);
    }
  });
});

describe('If-Match: *', () => {
  it.each(METHODS)('applies %s when the id exists', async (method) => {
    const app = makeApp();
    const record = await createArticle(app);
    const response = await send(app, method, record.id, { 'If-Match': '*' });
    await expectApplied(app, method, response, record);
  });

  it.each(METHODS)(
    'answers 412 on %s when the id is unknown, and creates nothing',
    async (method) => {
      const app = makeApp();
      const response = await send(app, method, UNKNOWN_ID, { 'If-Match': '*' });
      await expect412(app, response, null);
      expect(await stored(app, UNKNOWN_ID)).toBeNull();
    },
  );
});

describe('If-None-Match: *', () => {
  it.each(METHODS)(
    'answers 412 with the stored record on %s when the id exists',
    async (method) => {
      const app = makeApp();
      const record = await createArticle(app);
      const response = await send(app, method, record.id, { 'If-None-Match': '*' });
      await expect412(app, response, record);
    },
  );

  it('has no effect on GET of an unknown id (404)', async () => {
    const app = makeApp();
    const response = await send(app, 'GET', UNKNOWN_ID, { 'If-None-Match': '*' });
    expect(response.status).toBe(404);
    expect(response.body.errno).toBe(110);
  });

  it.each(['POST', 'PUT'] as const)('creates on %s when the id is unknown', async (method) => {
    const app = makeApp();
    const response = await send(app, method, UNKNOWN_ID, { 'If-None-Match': '*' });
    expect(response.status).toBe(201);
    expect(response.body.data.id).toBe(UNKNOWN_ID);
    expect(await stored(app, UNKNOWN_ID)).toEqual(response.body.data);
  });

  it.each(['PATCH', 'DELETE'] as const)(
    'has no effect on %s of an unknown id (404)',
    async (method) => {
      const app = makeApp();
      const response = await send(app, method, UNKNOWN_ID, { 'If-None-Match': '*' });
      expect(response.status).toBe(404);
      expect(response.body.errno).toBe(110);
      expect(await stored(app, UNKNOWN_ID)).toBeNull();
    },
  );

  it('lets PUT recreate a deleted record: a tombstone does not prevent creation', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    await call(app, 'DELETE', `/v1/articles/${record.id}`);
    const response = await send(app, 'PUT', record.id, { 'If-None-Match': '*' });
    expect(response.status).toBe(201);
  });

  it('creates on POST without id', async () => {
    const app = makeApp();
    await createArticle(app);
    const response = await call(app, 'POST', '/v1/articles', {
      body: { data: article() },
      headers: { 'If-None-Match': '*' },
    });
    expect(response.status).toBe(201);
  });
});

describe('If-None-Match: "<timestamp>" (cache control)', () => {
  it('answers an empty 304 with the ETag on record GET when the record did not change', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const response = await send(app, 'GET', record.id, {
      'If-None-Match': `"${record.last_modified}"`,
    });
    expect(response.status).toBe(304);
    expect(response.text).toBe('');
    expect(response.headers.get('ETag')).toBe(`"${record.last_modified}"`);
  });

  it('answers 200 with the record on GET when it changed since the timestamp', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const patch = await call(app, 'PATCH', `/v1/articles/${record.id}`, {
      body: { data: { title: 'new' } },
    });
    const response = await send(app, 'GET', record.id, {
      'If-None-Match': `"${record.last_modified}"`,
    });
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual(patch.body.data);
  });

  it('answers 304 on record GET when another record of the collection changed', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    await createArticle(app);
    const response = await send(app, 'GET', record.id, {
      'If-None-Match': `"${record.last_modified}"`,
    });
    expect(response.status).toBe(304);
  });

  it.each(['PUT', 'PATCH', 'DELETE'] as const)(
    'answers 412 on %s when the record still has the given timestamp (RFC 9110 semantics)',
    async (method) => {
      const app = makeApp();
      const record = await createArticle(app);
      const response = await send(app, method, record.id, {
        'If-None-Match': `"${record.last_modified}"`,
      });
      await expect412(app, response, record);
    },
  );

  it.each(['PUT', 'PATCH', 'DELETE'] as const)(
    'applies %s when the record changed since the given timestamp',
    async (method) => {
      const app = makeApp();
      const old = await createArticle(app);
      const patch = await call(app, 'PATCH', `/v1/articles/${old.id}`, {
        body: { data: { title: 'new' } },
      });
      const response = await send(app, method, old.id, {
        'If-None-Match': `"${old.last_modified}"`,
      });
      await expectApplied(app, method, response, patch.body.data);
    },
  );
});

describe('malformed precondition headers', () => {
  const values = [
    '123',
    '"abc"',
    '"12',
    '12"',
    '""',
    'W/',
    '"1", "2"',
    '"-5"',
    '"1.5"',
    'garbage',
    '**',
  ];

  it.each(values.flatMap((value) => METHODS.map((method) => [method, value] as const)))(
    'answers 400 errno 107 on %s with If-Match: %s',
    async (method, value) => {
      const app = makeApp();
      const record = await createArticle(app);
      const response = await send(app, method, record.id, { 'If-Match': value });
      expect(response.status).toBe(400);
      expect(isEnvelope(response)).toBe(true);
      expect(response.body.errno).toBe(107);
      expect(response.body.details[0]).toMatchObject({ location: 'header', name: 'If-Match' });
      expect(await stored(app, record.id)).toEqual(record);
    },
  );

  it.each(values)(
    'answers 400 errno 107 on GET and PATCH with If-None-Match: %s',
    async (value) => {
      const app = makeApp();
      const record = await createArticle(app);
      for (const method of ['GET', 'PATCH'] as const) {
        const response = await send(app, method, record.id, { 'If-None-Match': value });
        expect(response.status).toBe(400);
        expect(response.body.errno).toBe(107);
        expect(response.body.details[0]).toMatchObject({
          location: 'header',
          name: 'If-None-Match',
        });
      }
      const list = await call(app, 'GET', '/v1/articles', { headers: { 'If-None-Match': value } });
      expect(list.status).toBe(400);
    },
  );
});
