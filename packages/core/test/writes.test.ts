import type { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createApp, defineResource } from '../src/index.js';
import {
  article,
  basicUserId,
  call,
  createArticle,
  createNote,
  etagOf,
  ids,
  isEnvelope,
  makeApp,
  SECRET,
} from './helpers.js';

async function collectionTimestamp(app: Hono, path = '/v1/articles'): Promise<number> {
  return etagOf(await call(app, 'GET', path));
}

describe('POST on a collection', () => {
  it('answers 201 with the created record: generated id, last_modified, defaults and hook fields', async () => {
    const app = makeApp();
    const response = await call(app, 'POST', '/v1/articles', {
      body: { data: { title: 'Wikipedia FR', url: 'http://fr.wikipedia.org' } },
    });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      data: {
        id: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
        last_modified: expect.any(Number),
        title: 'Wikipedia FR',
        url: 'http://fr.wikipedia.org',
        unread: true,
        favorite: false,
        read_position: 0,
        stored_on: 1_700_000_000_000,
      },
      permissions: { write: [basicUserId('alice')] },
    });
    const get = await call(app, 'GET', `/v1/articles/${response.body.data.id}`);
    expect(get.body.data).toEqual(response.body.data);
  });

  it('generates a different id for each record', async () => {
    const app = makeApp();
    const created = await Promise.all([1, 2, 3, 4, 5].map(() => createArticle(app)));
    expect(new Set(created.map((record) => record.id)).size).toBe(5);
  });

  it('creates the record with the id given in the body when it is a safe id', async () => {
    const app = makeApp();
    const id = 'cd30c031-c208-4fb9-ad65-1582d2a7ad5e';
    const response = await call(app, 'POST', '/v1/articles', { body: { data: article({ id }) } });
    expect(response.status).toBe(201);
    expect(response.body.data.id).toBe(id);
  });

  it('answers 200 with the stored record, ignoring the posted values, when the id exists', async () => {
    const app = makeApp();
    const record = await createArticle(app, { title: 'original' });
    const response = await call(app, 'POST', '/v1/articles', {
      body: { data: { id: record.id, title: 'ignored', url: 'https://ignored.example' } },
    });
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual(record);
    expect((await call(app, 'GET', `/v1/articles/${record.id}`)).body.data).toEqual(record);
  });

  it('answers 200 with the stored record even when the posted values are invalid', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const response = await call(app, 'POST', '/v1/articles', {
      body: { data: { id: record.id, title: 42 } },
    });
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual(record);
  });

  it.each(['a b', 'a/b', '../x', 'é', '-leading', 'x'.repeat(129), '', 42, null, ['x']])(
    'answers 400 for the invalid posted id %j',
    async (id) => {
      const app = makeApp();
      const response = await call(app, 'POST', '/v1/articles', { body: { data: article({ id }) } });
      expect(response.status).toBe(400);
      expect(isEnvelope(response)).toBe(true);
    },
  );

  it('creates an empty record on a schemaless resource when data is empty', async () => {
    const app = makeApp();
    const response = await call(app, 'POST', '/v1/notes', { body: { data: {} } });
    expect(response.status).toBe(201);
    expect(Object.keys(response.body.data).sort()).toEqual(['id', 'last_modified']);
  });

  it('bumps the collection timestamp to the new record timestamp', async () => {
    const app = makeApp();
    const before = await collectionTimestamp(app);
    const record = await createArticle(app);
    expect(record.last_modified).toBeGreaterThan(before);
    expect(await collectionTimestamp(app)).toBe(record.last_modified);
  });
});

describe('PUT on a record', () => {
  it('answers 201 and creates the record at the given id', async () => {
    const app = makeApp();
    const id = 'd10405bf-8161-46a1-ac93-a1893d160e62';
    const response = await call(app, 'PUT', `/v1/articles/${id}`, {
      body: { data: { title: 'Static apps', url: 'http://www.staticapps.org' } },
    });
    expect(response.status).toBe(201);
    expect(response.body.data).toMatchObject({
      id,
      title: 'Static apps',
      unread: true,
      stored_on: 1_700_000_000_000,
    });
    expect(response.headers.get('ETag')).toBe(`"${response.body.data.last_modified}"`);
  });

  it('answers 200 and replaces every field of an existing record', async () => {
    const app = makeApp();
    const record = await createArticle(app, {
      excerpt: 'gone after PUT',
      favorite: true,
      read_position: 9,
    });
    const response = await call(app, 'PUT', `/v1/articles/${record.id}`, {
      body: { data: { title: 'Replaced', url: record.url } },
    });
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({
      id: record.id,
      last_modified: expect.any(Number),
      title: 'Replaced',
      url: record.url,
      unread: true,
      favorite: false,
      read_position: 0,
      stored_on: record.stored_on,
    });
    expect(response.body.data.last_modified).toBeGreaterThan(record.last_modified);
    expect(response.headers.get('ETag')).toBe(`"${response.body.data.last_modified}"`);
  });

  it('increments the timestamp when replacing a record with identical content', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const { id: _id, last_modified: _lm, stored_on: _so, ...fields } = record;
    const response = await call(app, 'PUT', `/v1/articles/${record.id}`, {
      body: { data: fields },
    });
    expect(response.status).toBe(200);
    expect(response.body.data.last_modified).toBeGreaterThan(record.last_modified);
    expect(await collectionTimestamp(app)).toBe(response.body.data.last_modified);
  });

  it('accepts an id in data equal to the one in the URL', async () => {
    const app = makeApp();
    const id = 'same-id';
    const response = await call(app, 'PUT', `/v1/articles/${id}`, {
      body: { data: article({ id }) },
    });
    expect(response.status).toBe(201);
  });

  it('answers 400 when the id in data differs from the one in the URL', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const response = await call(app, 'PUT', `/v1/articles/${record.id}`, {
      body: { data: article({ id: 'other' }) },
    });
    expect(response.status).toBe(400);
    expect(isEnvelope(response)).toBe(true);
    expect((await call(app, 'GET', `/v1/articles/${record.id}`)).body.data).toEqual(record);
    expect((await call(app, 'GET', '/v1/articles/other')).status).toBe(404);
  });

  it('answers 412 and keeps the record with If-None-Match: *', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const response = await call(app, 'PUT', `/v1/articles/${record.id}`, {
      body: { data: article() },
      headers: { 'If-None-Match': '*' },
    });
    expect(response.status).toBe(412);
    expect(response.body.details.existing).toEqual(record);
  });

  it('answers 201 when recreating a deleted record', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    await call(app, 'DELETE', `/v1/articles/${record.id}`);
    const response = await call(app, 'PUT', `/v1/articles/${record.id}`, {
      body: { data: article() },
    });
    expect(response.status).toBe(201);
  });
});

describe('PATCH on a record', () => {
  it('changes only the given fields and returns the full record by default', async () => {
    const app = makeApp();
    const record = await createArticle(app, { excerpt: 'kept', tags: ['a'] });
    const response = await call(app, 'PATCH', `/v1/articles/${record.id}`, {
      body: { data: { title: 'No Backend', unread: false } },
    });
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({
      ...record,
      title: 'No Backend',
      unread: false,
      last_modified: expect.any(Number),
    });
    expect(response.body.data.last_modified).toBeGreaterThan(record.last_modified);
    expect(response.headers.get('ETag')).toBe(`"${response.body.data.last_modified}"`);
    expect((await call(app, 'GET', `/v1/articles/${record.id}`)).body.data).toEqual(
      response.body.data,
    );
  });

  it('keeps last_modified and the collection timestamp when no value changes', async () => {
    const app = makeApp();
    const record = await createArticle(app, { unread: true });
    const before = await collectionTimestamp(app);
    const response = await call(app, 'PATCH', `/v1/articles/${record.id}`, {
      body: { data: { unread: true, title: record.title } },
    });
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual(record);
    expect(response.headers.get('ETag')).toBe(`"${record.last_modified}"`);
    expect(await collectionTimestamp(app)).toBe(before);
  });

  it('keeps last_modified on a PATCH with empty data', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const response = await call(app, 'PATCH', `/v1/articles/${record.id}`, { body: { data: {} } });
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual(record);
  });

  it('replaces nested objects as a whole with application/json', async () => {
    const app = makeApp();
    const record = await createArticle(app, {
      author: { name: 'Ann', url: 'https://ann.example' },
    });
    const response = await call(app, 'PATCH', `/v1/articles/${record.id}`, {
      body: { data: { author: { name: 'Bob' } } },
    });
    expect(response.body.data.author).toEqual({ name: 'Bob' });
  });

  it('stores null as a value with application/json on a schemaless resource', async () => {
    const app = makeApp();
    const note = await createNote(app, { a: 1, b: 2 });
    const response = await call(app, 'PATCH', `/v1/notes/${note.id}`, {
      body: { data: { a: null } },
    });
    expect(response.body.data).toMatchObject({ a: null, b: 2 });
  });

  it('merges recursively and removes null fields with application/merge-patch+json', async () => {
    const app = makeApp();
    const record = await createArticle(app, {
      excerpt: 'remove me',
      author: { name: 'Ann', url: 'https://ann.example' },
    });
    const response = await call(app, 'PATCH', `/v1/articles/${record.id}`, {
      raw: JSON.stringify({ data: { excerpt: null, author: { url: null }, title: 'merged' } }),
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    expect(response.status).toBe(200);
    expect(response.body.data).not.toHaveProperty('excerpt');
    expect(response.body.data.author).toEqual({ name: 'Ann' });
    expect(response.body.data.title).toBe('merged');
    expect(response.body.data.url).toBe(record.url);
  });

  it('merges nested objects of a schemaless record with merge-patch', async () => {
    const app = makeApp();
    const note = await createNote(app, { deep: { keep: 1, drop: 2, inner: { x: 1 } } });
    const response = await call(app, 'PATCH', `/v1/notes/${note.id}`, {
      raw: JSON.stringify({ data: { deep: { drop: null, inner: { y: 2 } } } }),
      headers: { 'Content-Type': 'application/merge-patch+json; charset=utf-8' },
    });
    expect(response.body.data.deep).toEqual({ keep: 1, inner: { x: 1, y: 2 } });
  });

  it('returns only the changed fields with Response-Behavior: light', async () => {
    const app = makeApp();
    const record = await createArticle(app, { unread: true });
    const response = await call(app, 'PATCH', `/v1/articles/${record.id}`, {
      body: { data: { title: 'light', unread: true } },
      headers: { 'Response-Behavior': 'light' },
    });
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ title: 'light' });
  });

  it('returns the full record with Response-Behavior: full', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const response = await call(app, 'PATCH', `/v1/articles/${record.id}`, {
      body: { data: { title: 'full' } },
      headers: { 'Response-Behavior': 'full' },
    });
    expect(response.body.data).toEqual({
      ...record,
      title: 'full',
      last_modified: expect.any(Number),
    });
  });

  it('returns the full record for an unknown Response-Behavior value', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const response = await call(app, 'PATCH', `/v1/articles/${record.id}`, {
      body: { data: { title: 'whatever' } },
      headers: { 'Response-Behavior': 'verbose' },
    });
    expect(response.status).toBe(200);
    expect(response.body.data.id).toBe(record.id);
  });

  describe('with a hook rewriting values', () => {
    function slugApp(): Hono {
      const pages = defineResource({
        name: 'pages',
        hooks: {
          beforeUpdate: (record) => ({ ...record, slug: String(record.title).toLowerCase() }),
        },
      });
      return createApp({
        project: { name: 't', version: '1' },
        httpApiVersion: '1.0',
        resources: [pages],
        userIdHmacSecret: SECRET,
      });
    }

    it('returns the changed fields, hook changes included, with Response-Behavior: light', async () => {
      const app = slugApp();
      const page = (
        await call(app, 'POST', '/v1/pages', { body: { data: { title: 'a', slug: 'a', n: 1 } } })
      ).body.data;
      const response = await call(app, 'PATCH', `/v1/pages/${page.id}`, {
        body: { data: { title: 'Hello', slug: 'ANY', n: 1 } },
        headers: { 'Response-Behavior': 'LIGHT' },
      });
      expect(response.body.data).toEqual({ title: 'Hello', slug: 'hello' });
    });

    it('returns only the fields stored differently from what was sent with Response-Behavior: diff', async () => {
      const app = slugApp();
      const page = (
        await call(app, 'POST', '/v1/pages', { body: { data: { title: 'a', slug: 'a', n: 1 } } })
      ).body.data;
      const response = await call(app, 'PATCH', `/v1/pages/${page.id}`, {
        body: { data: { title: 'Hello', slug: 'ANY', n: 1 } },
        headers: { 'Response-Behavior': 'diff' },
      });
      expect(response.body.data).toEqual({ slug: 'hello' });
    });
  });

  it('answers 404 errno 110 for an unknown record', async () => {
    const app = makeApp();
    const response = await call(app, 'PATCH', '/v1/articles/unknown-id', {
      body: { data: { title: 'x' } },
    });
    expect(response.status).toBe(404);
    expect(response.body.errno).toBe(110);
  });

  it('answers 400 when data names another id', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const response = await call(app, 'PATCH', `/v1/articles/${record.id}`, {
      body: { data: { id: 'other' } },
    });
    expect(response.status).toBe(400);
  });
});

describe('DELETE on a record', () => {
  it('returns the tombstone, then answers 404 to GET, PATCH and DELETE', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const response = await call(app, 'DELETE', `/v1/articles/${record.id}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      data: { id: record.id, last_modified: expect.any(Number), deleted: true },
    });
    expect(response.body.data.last_modified).toBeGreaterThan(record.last_modified);
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      const after = await call(
        app,
        method,
        `/v1/articles/${record.id}`,
        method === 'PATCH' ? { body: { data: {} } } : {},
      );
      expect(after.status).toBe(404);
      expect(after.body.errno).toBe(110);
    }
  });

  it('makes the deletion appear in _since with the tombstone timestamp', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const deletion = await call(app, 'DELETE', `/v1/articles/${record.id}`);
    const poll = await call(app, 'GET', `/v1/articles?_since=${record.last_modified}`);
    expect(poll.body.data).toEqual([deletion.body.data]);
  });

  it('lets a new record reuse the unique value of a deleted one', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    await call(app, 'DELETE', `/v1/articles/${record.id}`);
    const response = await call(app, 'POST', '/v1/articles', {
      body: { data: { title: 'again', url: record.url } },
    });
    expect(response.status).toBe(201);
  });
});

describe('DELETE on a collection', () => {
  it('answers 405 errno 115 by default and deletes nothing', async () => {
    const app = makeApp();
    await createArticle(app);
    const response = await call(app, 'DELETE', '/v1/articles');
    expect(response.status).toBe(405);
    expect(isEnvelope(response)).toBe(true);
    expect(response.body.errno).toBe(115);
    expect((await call(app, 'GET', '/v1/articles')).body.data).toHaveLength(1);
  });

  it('deletes every record and returns their tombstones when allowCollectionDelete is set', async () => {
    const app = makeApp({ allowCollectionDelete: true });
    const a = await createArticle(app);
    const b = await createArticle(app);
    const response = await call(app, 'DELETE', '/v1/articles');
    expect(response.status).toBe(200);
    expect(response.body.data).toHaveLength(2);
    for (const record of [a, b]) {
      expect(response.body.data).toContainEqual({
        id: record.id,
        last_modified: expect.any(Number),
        deleted: true,
      });
    }
    expect((await call(app, 'GET', '/v1/articles')).body.data).toEqual([]);
    const poll = await call(app, 'GET', `/v1/articles?_since=${a.last_modified - 1}`);
    expect(poll.body.data.map((item: { id: string }) => item.id).sort()).toEqual(
      [a.id, b.id].sort(),
    );
    expect(poll.body.data.every((item: { deleted?: boolean }) => item.deleted)).toBe(true);
  });

  it('deletes only the records matching the filters', async () => {
    const app = makeApp({ allowCollectionDelete: true });
    const read = await createArticle(app, { unread: false });
    const unread = await createArticle(app, { unread: true });
    const response = await call(app, 'DELETE', '/v1/articles?unread=false');
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual([
      { id: read.id, last_modified: expect.any(Number), deleted: true },
    ]);
    expect(ids(await call(app, 'GET', '/v1/articles'))).toEqual([unread.id]);
  });

  it('deletes only the records older than _before, and no tombstone twice', async () => {
    const app = makeApp({ allowCollectionDelete: true });
    const old = await createArticle(app);
    const gone = await createArticle(app);
    await call(app, 'DELETE', `/v1/articles/${gone.id}`);
    const recent = await createArticle(app);
    const response = await call(app, 'DELETE', `/v1/articles?_before=${recent.last_modified}`);
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual([
      { id: old.id, last_modified: expect.any(Number), deleted: true },
    ]);
    expect(ids(await call(app, 'GET', '/v1/articles'))).toEqual([recent.id]);
  });

  it('answers 400 errno 107 for an unknown filter field and deletes nothing', async () => {
    const app = makeApp({ allowCollectionDelete: true });
    await createArticle(app);
    const response = await call(app, 'DELETE', '/v1/articles?colour=red');
    expect(response.status).toBe(400);
    expect(response.body.errno).toBe(107);
    expect((await call(app, 'GET', '/v1/articles')).body.data).toHaveLength(1);
  });

  it('answers 200 with an empty list when nothing matches', async () => {
    const app = makeApp({ allowCollectionDelete: true });
    const response = await call(app, 'DELETE', '/v1/notes');
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual([]);
  });
});

describe('forced last_modified', () => {
  it('gives a POSTed record a future last_modified, which becomes the collection timestamp', async () => {
    const app = makeApp();
    await createArticle(app);
    const future = (await collectionTimestamp(app)) + 1_000_000;
    const response = await call(app, 'POST', '/v1/articles', {
      body: { data: article({ last_modified: future }) },
    });
    expect(response.status).toBe(201);
    expect(response.body.data.last_modified).toBe(future);
    expect(await collectionTimestamp(app)).toBe(future);
    const next = await createArticle(app);
    expect(next.last_modified).toBeGreaterThan(future);
  });

  it('creates a POSTed record with a past last_modified but bumps the collection timestamp', async () => {
    const app = makeApp();
    await createArticle(app);
    const before = await collectionTimestamp(app);
    const past = 1_000_000_000_000;
    const response = await call(app, 'POST', '/v1/articles', {
      body: { data: article({ last_modified: past }) },
    });
    expect(response.body.data.last_modified).toBe(past);
    const after = await collectionTimestamp(app);
    expect(after).toBeGreaterThan(before);
  });

  it('applies the creation rules to PUT creating a record', async () => {
    const app = makeApp();
    await createArticle(app);
    const before = await collectionTimestamp(app);
    const past = 1_000_000_000_000;
    const created = await call(app, 'PUT', '/v1/articles/imported-1', {
      body: { data: article({ last_modified: past }) },
    });
    expect(created.status).toBe(201);
    expect(created.body.data.last_modified).toBe(past);
    expect(await collectionTimestamp(app)).toBeGreaterThan(before);
    const future = (await collectionTimestamp(app)) + 500_000;
    const other = await call(app, 'PUT', '/v1/articles/imported-2', {
      body: { data: article({ last_modified: future }) },
    });
    expect(other.body.data.last_modified).toBe(future);
    expect(await collectionTimestamp(app)).toBe(future);
  });

  it('uses a forced timestamp greater than the existing one on PUT replacing a record', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const forced = record.last_modified + 777_000;
    const response = await call(app, 'PUT', `/v1/articles/${record.id}`, {
      body: { data: article({ url: record.url, last_modified: forced }) },
    });
    expect(response.status).toBe(200);
    expect(response.body.data.last_modified).toBe(forced);
  });

  it.each([0, -1])(
    'ignores a forced timestamp less or equal to the existing one on PUT (offset %i)',
    async (offset) => {
      const app = makeApp();
      const record = await createArticle(app);
      const before = await collectionTimestamp(app);
      const response = await call(app, 'PUT', `/v1/articles/${record.id}`, {
        body: { data: article({ url: record.url, last_modified: record.last_modified + offset }) },
      });
      expect(response.status).toBe(200);
      expect(response.body.data.last_modified).toBeGreaterThan(before);
    },
  );

  it('uses a forced timestamp greater than the existing one on PATCH, even with no other change', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const forced = record.last_modified + 5_000;
    const response = await call(app, 'PATCH', `/v1/articles/${record.id}`, {
      body: { data: { last_modified: forced } },
    });
    expect(response.body.data).toEqual({ ...record, last_modified: forced });
    expect(await collectionTimestamp(app)).toBe(forced);
  });

  it('ignores a forced timestamp less or equal to the existing one on PATCH', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const before = await collectionTimestamp(app);
    const unchanged = await call(app, 'PATCH', `/v1/articles/${record.id}`, {
      body: { data: { last_modified: record.last_modified - 10 } },
    });
    expect(unchanged.body.data).toEqual(record);
    const changed = await call(app, 'PATCH', `/v1/articles/${record.id}`, {
      body: { data: { title: 'changed', last_modified: record.last_modified } },
    });
    expect(changed.body.data.last_modified).toBeGreaterThan(before);
  });

  it('uses ?last_modified= greater than the existing one for the DELETE tombstone', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const forced = record.last_modified + 9_000;
    const response = await call(app, 'DELETE', `/v1/articles/${record.id}?last_modified=${forced}`);
    expect(response.body.data).toEqual({ id: record.id, last_modified: forced, deleted: true });
    expect(await collectionTimestamp(app)).toBe(forced);
  });

  it('accepts a quoted ?last_modified= on DELETE', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const forced = record.last_modified + 9_000;
    const response = await call(
      app,
      'DELETE',
      `/v1/articles/${record.id}?last_modified=%22${forced}%22`,
    );
    expect(response.body.data.last_modified).toBe(forced);
  });

  it('ignores ?last_modified= less or equal to the existing one on DELETE', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const before = await collectionTimestamp(app);
    const response = await call(
      app,
      'DELETE',
      `/v1/articles/${record.id}?last_modified=${record.last_modified}`,
    );
    expect(response.status).toBe(200);
    expect(response.body.data.last_modified).toBeGreaterThan(before);
  });

  it('answers 400 errno 107 for a non-integer ?last_modified= on DELETE and keeps the record', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const response = await call(app, 'DELETE', `/v1/articles/${record.id}?last_modified=soon`);
    expect(response.status).toBe(400);
    expect(response.body.errno).toBe(107);
    expect((await call(app, 'GET', `/v1/articles/${record.id}`)).status).toBe(200);
  });
});

describe('timestamps', () => {
  it('are strictly increasing for rapid sequential writes', async () => {
    const app = makeApp();
    const stamps: number[] = [];
    for (let i = 0; i < 50; i++) stamps.push((await createNote(app, { i })).last_modified);
    for (let i = 1; i < stamps.length; i++)
      expect(stamps[i]).toBeGreaterThan(stamps[i - 1] as number);
  });

  it('are all different for concurrent writes of every kind', async () => {
    const app = makeApp();
    const notes = await Promise.all(Array.from({ length: 10 }, (_, i) => createNote(app, { i })));
    const writes = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) =>
        call(app, 'POST', '/v1/notes', { body: { data: { j: i } } }),
      ),
      ...notes
        .slice(0, 4)
        .map((note) => call(app, 'PATCH', `/v1/notes/${note.id}`, { body: { data: { p: 1 } } })),
      ...notes
        .slice(4, 7)
        .map((note) => call(app, 'PUT', `/v1/notes/${note.id}`, { body: { data: { r: 1 } } })),
      ...notes.slice(7).map((note) => call(app, 'DELETE', `/v1/notes/${note.id}`)),
    ]);
    const stamps = [...notes, ...writes.map((response) => response.body.data)].map(
      (item) => item.last_modified,
    );
    expect(new Set(stamps).size).toBe(stamps.length);
    expect(await collectionTimestamp(app, '/v1/notes')).toBe(Math.max(...stamps));
  });
});

describe('JSON merge patch on nested values', () => {
  it('merges into a field that was not an object, dropping nulls (RFC 7396)', async () => {
    const app = makeApp();
    const note = await createNote(app, { a: 1 });
    const { status, body } = await call(app, 'PATCH', `/v1/notes/${note.id}`, {
      raw: JSON.stringify({ data: { a: { b: { c: null, d: 2 } } } }),
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    expect(status).toBe(200);
    expect(body.data.a).toEqual({ b: { d: 2 } });
  });
});
