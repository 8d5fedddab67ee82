import type { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { call, createArticle, etagOf, ids, isEnvelope, type Json, makeApp } from './helpers.js';

async function three(app: Hono): Promise<Json[]> {
  return [await createArticle(app), await createArticle(app), await createArticle(app)];
}

describe('_since and _before', () => {
  it('returns only records modified strictly after _since', async () => {
    const app = makeApp();
    const [a, b, c] = await three(app);
    const response = await call(app, 'GET', `/v1/articles?_since=${a.last_modified}`);
    expect(response.status).toBe(200);
    expect(ids(response)).toEqual([c.id, b.id]);
  });

  it('accepts _since between double quotes, as given in ETag', async () => {
    const app = makeApp();
    const [a, b, c] = await three(app);
    const response = await call(app, 'GET', `/v1/articles?_since=%22${a.last_modified}%22`);
    expect(ids(response)).toEqual([c.id, b.id]);
  });

  it('returns nothing when _since is the collection ETag', async () => {
    const app = makeApp();
    await three(app);
    const list = await call(app, 'GET', '/v1/articles');
    const response = await call(app, 'GET', `/v1/articles?_since=${list.headers.get('ETag')}`);
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual([]);
  });

  it('returns only records modified strictly before _before', async () => {
    const app = makeApp();
    const [a, b, c] = await three(app);
    const response = await call(app, 'GET', `/v1/articles?_before=${c.last_modified}`);
    expect(ids(response)).toEqual([b.id, a.id]);
    const quoted = await call(app, 'GET', `/v1/articles?_before=%22${b.last_modified}%22`);
    expect(ids(quoted)).toEqual([a.id]);
  });

  it('combines _since and _before into a window', async () => {
    const app = makeApp();
    const [a, b, c] = await three(app);
    const response = await call(
      app,
      'GET',
      `/v1/articles?_since=${a.last_modified}&_before=${c.last_modified}`,
    );
    expect(ids(response)).toEqual([b.id]);
  });

  it('treats _since=null and _before=null as absent: every live record, no tombstone', async () => {
    const app = makeApp();
    const [a, b, c] = await three(app);
    await call(app, 'DELETE', `/v1/articles/${b.id}`);
    for (const query of ['_since=null', '_before=null', '_since=null&_before=null']) {
      const response = await call(app, 'GET', `/v1/articles?${query}`);
      expect(response.status).toBe(200);
      expect(ids(response)).toEqual([c.id, a.id]);
    }
  });

  it.each(['yesterday', '1.5', '-3', '"12', '', '1e3', '[1]'])(
    'answers 400 errno 107 for _since=%s',
    async (value) => {
      const app = makeApp();
      const response = await call(app, 'GET', `/v1/articles?_since=${encodeURIComponent(value)}`);
      expect(response.status).toBe(400);
      expect(isEnvelope(response)).toBe(true);
      expect(response.body.errno).toBe(107);
    },
  );

  it('answers 400 errno 107 for an invalid _before', async () => {
    const app = makeApp();
    const response = await call(app, 'GET', '/v1/articles?_before=soon');
    expect(response.status).toBe(400);
    expect(response.body.errno).toBe(107);
  });
});

describe('tombstones', () => {
  it('lists a deleted record as {id, last_modified, deleted: true} when polling with _since', async () => {
    const app = makeApp();
    const [a, b] = await three(app);
    const deletion = await call(app, 'DELETE', `/v1/articles/${b.id}`);
    const response = await call(app, 'GET', `/v1/articles?_since=${a.last_modified}`);
    const tombstone = response.body.data.find((item: { id: string }) => item.id === b.id);
    expect(tombstone).toEqual({
      id: b.id,
      last_modified: deletion.body.data.last_modified,
      deleted: true,
    });
  });

  it('gives the tombstone the timestamp of the deletion event, which becomes the collection ETag', async () => {
    const app = makeApp();
    const [a, , c] = await three(app);
    const deletion = await call(app, 'DELETE', `/v1/articles/${a.id}`);
    expect(deletion.body.data.last_modified).toBeGreaterThan(c.last_modified);
    const list = await call(app, 'GET', '/v1/articles');
    expect(etagOf(list)).toBe(deletion.body.data.last_modified);
    const poll = await call(app, 'GET', `/v1/articles?_since=${c.last_modified}`);
    expect(poll.body.data).toEqual([
      { id: a.id, last_modified: deletion.body.data.last_modified, deleted: true },
    ]);
  });

  it('never lists tombstones without a filter on last_modified', async () => {
    const app = makeApp();
    const [a, b, c] = await three(app);
    await call(app, 'DELETE', `/v1/articles/${b.id}`);
    const response = await call(app, 'GET', '/v1/articles');
    expect(ids(response)).toEqual([c.id, a.id]);
    expect(response.body.data.some((item: { deleted?: boolean }) => item.deleted)).toBe(false);
    const filtered = await call(app, 'GET', '/v1/articles?unread=true');
    expect(ids(filtered)).toEqual([c.id, a.id]);
  });

  it.each([
    '_since=0',
    '_before=99999999999999',
    'gt_last_modified=0',
    'min_last_modified=0',
    'max_last_modified=99999999999999',
  ])('lists tombstones when filtering on last_modified with %s', async (query) => {
    const app = makeApp();
    const [, b] = await three(app);
    await call(app, 'DELETE', `/v1/articles/${b.id}`);
    const response = await call(app, 'GET', `/v1/articles?${query}`);
    expect(response.body.data).toContainEqual(expect.objectContaining({ id: b.id, deleted: true }));
  });

  it('keeps id, last_modified and deleted of tombstones under _fields', async () => {
    const app = makeApp();
    const [a, b] = await three(app);
    const deletion = await call(app, 'DELETE', `/v1/articles/${b.id}`);
    const response = await call(app, 'GET', `/v1/articles?_since=${a.last_modified}&_fields=title`);
    expect(response.body.data).toContainEqual({
      id: b.id,
      last_modified: deletion.body.data.last_modified,
      deleted: true,
    });
  });

  it('replaces the tombstone by the live record when the id is created again', async () => {
    const app = makeApp();
    const [a, b] = await three(app);
    await call(app, 'DELETE', `/v1/articles/${b.id}`);
    const again = await call(app, 'PUT', `/v1/articles/${b.id}`, {
      body: { data: { title: 'back', url: 'https://back.example' } },
    });
    expect(again.status).toBe(201);
    const response = await call(app, 'GET', `/v1/articles?_since=${a.last_modified}`);
    const items = response.body.data.filter((item: { id: string }) => item.id === b.id);
    expect(items).toEqual([again.body.data]);
  });
});

describe('If-None-Match on lists', () => {
  it('answers an empty 304 with the ETag when the collection did not change', async () => {
    const app = makeApp();
    await three(app);
    const list = await call(app, 'GET', '/v1/articles');
    const etag = list.headers.get('ETag') as string;
    const response = await call(app, 'GET', '/v1/articles', { headers: { 'If-None-Match': etag } });
    expect(response.status).toBe(304);
    expect(response.text).toBe('');
    expect(response.headers.get('ETag')).toBe(etag);
  });

  it('answers 200 with the content when the collection changed since the ETag', async () => {
    const app = makeApp();
    await three(app);
    const list = await call(app, 'GET', '/v1/articles');
    const created = await createArticle(app);
    const response = await call(app, 'GET', '/v1/articles', {
      headers: { 'If-None-Match': list.headers.get('ETag') as string },
    });
    expect(response.status).toBe(200);
    expect(ids(response)[0]).toBe(created.id);
  });

  it('answers 304 to a _since poll when nothing changed, and 200 after a deletion', async () => {
    const app = makeApp();
    const [a] = await three(app);
    const list = await call(app, 'GET', '/v1/articles');
    const etag = list.headers.get('ETag') as string;
    const poll = `/v1/articles?_since=${etag}`;
    expect((await call(app, 'GET', poll, { headers: { 'If-None-Match': etag } })).status).toBe(304);
    await call(app, 'DELETE', `/v1/articles/${a.id}`);
    const after = await call(app, 'GET', poll, { headers: { 'If-None-Match': etag } });
    expect(after.status).toBe(200);
    expect(after.body.data).toEqual([expect.objectContaining({ id: a.id, deleted: true })]);
  });

  it('answers 304 to HEAD when the collection did not change', async () => {
    const app = makeApp();
    await three(app);
    const list = await call(app, 'GET', '/v1/articles');
    const response = await call(app, 'HEAD', '/v1/articles', {
      headers: { 'If-None-Match': list.headers.get('ETag') as string },
    });
    expect(response.status).toBe(304);
  });

  it('answers 304 with the ETag of the whole collection even when filters are given', async () => {
    const app = makeApp();
    await three(app);
    const list = await call(app, 'GET', '/v1/articles');
    const etag = list.headers.get('ETag') as string;
    const response = await call(app, 'GET', '/v1/articles?unread=false', {
      headers: { 'If-None-Match': etag },
    });
    expect(response.status).toBe(304);
  });
});
