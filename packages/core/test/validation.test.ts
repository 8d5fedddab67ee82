import type { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createApp, defineResource } from '../src/index.js';
import {
  article,
  BOB,
  type CallResult,
  call,
  createArticle,
  isEnvelope,
  makeApp,
  SECRET,
} from './helpers.js';

function detailNames(response: CallResult): string[] {
  return (response.body.details as Array<{ name: string }>).map((detail) => detail.name);
}

function expectInvalidData(response: CallResult): void {
  expect(response.status).toBe(400);
  expect(isEnvelope(response)).toBe(true);
  expect(response.body.errno).toBe(109);
  expect(Array.isArray(response.body.details)).toBe(true);
  for (const detail of response.body.details) {
    expect(detail).toEqual({
      location: 'body',
      name: expect.any(String),
      description: expect.any(String),
    });
  }
}

describe('schema validation', () => {
  it.each([
    ['a missing title', { url: 'https://a.example' }, 'title'],
    ['an empty title', { title: '', url: 'https://a.example' }, 'title'],
    [
      'a title over 1024 characters',
      { title: 'x'.repeat(1025), url: 'https://a.example' },
      'title',
    ],
    ['a title that is not a string', { title: 42, url: 'https://a.example' }, 'title'],
    ['a missing url', { title: 't' }, 'url'],
    ['a relative url', { title: 't', url: '/relative' }, 'url'],
    ['an ftp url', { title: 't', url: 'ftp://files.example' }, 'url'],
    ['a non-boolean unread', { title: 't', url: 'https://a.example', unread: 'yes' }, 'unread'],
    ['a non-boolean favorite', { title: 't', url: 'https://a.example', favorite: 1 }, 'favorite'],
    [
      'a negative read_position',
      { title: 't', url: 'https://a.example', read_position: -1 },
      'read_position',
    ],
    [
      'a fractional word_count',
      { title: 't', url: 'https://a.example', word_count: 1.5 },
      'word_count',
    ],
    ['a non-string excerpt', { title: 't', url: 'https://a.example', excerpt: ['x'] }, 'excerpt'],
    [
      'tags that are not strings',
      { title: 't', url: 'https://a.example', tags: ['ok', 3] },
      'tags.1',
    ],
    ['tags that are not an array', { title: 't', url: 'https://a.example', tags: 'a,b' }, 'tags'],
    [
      'an author without name',
      { title: 't', url: 'https://a.example', author: { url: 'https://x.example' } },
      'author.name',
    ],
    [
      'an author with a bad url',
      { title: 't', url: 'https://a.example', author: { name: 'a', url: 'nope' } },
      'author.url',
    ],
    ['an unknown field', { title: 't', url: 'https://a.example', colour: 'red' }, 'colour'],
  ])('answers 400 errno 109 naming the field for %s', async (_label, data, field) => {
    const app = makeApp();
    const response = await call(app, 'POST', '/v1/articles', { body: { data } });
    expectInvalidData(response);
    expect(detailNames(response)).toContain(field);
    expect(response.body.message).toContain(response.body.details[0].name);
    expect((await call(app, 'GET', '/v1/articles')).body.data).toEqual([]);
  });

  it('lists every invalid field in details, the first one in the message', async () => {
    const app = makeApp();
    const response = await call(app, 'POST', '/v1/articles', {
      body: { data: { title: 3, url: 'nope', read_position: -2 } },
    });
    expectInvalidData(response);
    expect(detailNames(response)).toEqual(
      expect.arrayContaining(['title', 'url', 'read_position']),
    );
    expect(response.body.message).toContain(response.body.details[0].name);
  });

  it('validates PUT like POST', async () => {
    const app = makeApp();
    const response = await call(app, 'PUT', '/v1/articles/some-id', {
      body: { data: { title: 't' } },
    });
    expectInvalidData(response);
    expect(detailNames(response)).toContain('url');
    expect((await call(app, 'GET', '/v1/articles/some-id')).status).toBe(404);
  });

  it('validates the record PATCH would produce and keeps the stored one on failure', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const response = await call(app, 'PATCH', `/v1/articles/${record.id}`, {
      body: { data: { read_position: 'far' } },
    });
    expectInvalidData(response);
    expect(detailNames(response)).toContain('read_position');
    expect((await call(app, 'GET', `/v1/articles/${record.id}`)).body.data).toEqual(record);
  });

  it('refuses null for an optional string with application/json PATCH', async () => {
    const app = makeApp();
    const record = await createArticle(app, { excerpt: 'x' });
    const response = await call(app, 'PATCH', `/v1/articles/${record.id}`, {
      body: { data: { excerpt: null } },
    });
    expectInvalidData(response);
  });

  it.each([
    ['a body that is not an object', [1, 2]],
    ['a body with unknown attributes', { record: {} }],
    ['data that is not an object', { data: 'x' }],
    ['data that is null', { data: null }],
    ['data that is an array', { data: [] }],
  ])('answers 400 for %s', async (_label, body) => {
    const app = makeApp();
    const response = await call(app, 'POST', '/v1/notes', { body });
    expect(response.status).toBe(400);
    expect(isEnvelope(response)).toBe(true);
  });
});

describe('schemaless resources', () => {
  it('accepts and returns any JSON fields unchanged', async () => {
    const app = makeApp();
    const data = {
      text: 'héllo 👋',
      n: -1.5e10,
      flag: false,
      nothing: null,
      list: [1, 'two', { three: [3] }],
      nested: { a: { b: { c: 'deep' } } },
      'odd key.with dots': 1,
      '': 'empty key',
    };
    const created = await call(app, 'POST', '/v1/notes', { body: { data } });
    expect(created.status).toBe(201);
    expect(created.body.data).toEqual({
      ...data,
      id: expect.any(String),
      last_modified: expect.any(Number),
    });
    const got = await call(app, 'GET', `/v1/notes/${created.body.data.id}`);
    expect(got.body.data).toEqual(created.body.data);
  });

  it('stores keys named like Object.prototype members as plain data', async () => {
    const app = makeApp();
    const raw = '{"data":{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}}';
    const created = await call(app, 'POST', '/v1/notes', {
      raw,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(created.status).toBe(201);
    const data = JSON.parse(created.text).data;
    expect(Object.getOwnPropertyDescriptor(data, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('unique fields', () => {
  it('answers 409 errno 122 with the field and the existing record on POST', async () => {
    const app = makeApp();
    const existing = await createArticle(app, { url: 'https://dup.example' });
    const response = await call(app, 'POST', '/v1/articles', {
      body: { data: article({ url: 'https://dup.example' }) },
    });
    expect(response.status).toBe(409);
    expect(isEnvelope(response)).toBe(true);
    expect(response.body.errno).toBe(122);
    expect(response.body.details).toEqual({ field: 'url', existing });
    expect((await call(app, 'GET', '/v1/articles')).body.data).toHaveLength(1);
  });

  it('answers 409 on PUT creating or replacing with a taken value', async () => {
    const app = makeApp();
    const existing = await createArticle(app, { url: 'https://dup.example' });
    const other = await createArticle(app);
    const create = await call(app, 'PUT', '/v1/articles/new-one', {
      body: { data: article({ url: existing.url }) },
    });
    expect(create.status).toBe(409);
    const replace = await call(app, 'PUT', `/v1/articles/${other.id}`, {
      body: { data: article({ url: existing.url }) },
    });
    expect(replace.status).toBe(409);
    expect(replace.body.details).toEqual({ field: 'url', existing });
    expect((await call(app, 'GET', `/v1/articles/${other.id}`)).body.data).toEqual(other);
  });

  it('answers 409 on PATCH changing to a taken value', async () => {
    const app = makeApp();
    const existing = await createArticle(app, { url: 'https://dup.example' });
    const other = await createArticle(app);
    const response = await call(app, 'PATCH', `/v1/articles/${other.id}`, {
      body: { data: { url: existing.url } },
    });
    expect(response.status).toBe(409);
    expect(response.body.details.existing).toEqual(existing);
  });

  it('lets a record keep its own unique value on PUT and PATCH', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const put = await call(app, 'PUT', `/v1/articles/${record.id}`, {
      body: { data: { title: 'x', url: record.url } },
    });
    expect(put.status).toBe(200);
    const patch = await call(app, 'PATCH', `/v1/articles/${record.id}`, {
      body: { data: { url: record.url, title: 'y' } },
    });
    expect(patch.status).toBe(200);
  });

  it('ignores deleted records', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    await call(app, 'DELETE', `/v1/articles/${record.id}`);
    const response = await call(app, 'POST', '/v1/articles', {
      body: { data: article({ url: record.url }) },
    });
    expect(response.status).toBe(201);
  });

  it("is checked per user: another user's records never conflict", async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const response = await call(app, 'POST', '/v1/articles', {
      body: { data: article({ url: record.url }) },
      auth: BOB,
    });
    expect(response.status).toBe(201);
  });

  describe('with empty values', () => {
    function contactsApp(): Hono {
      const contacts = defineResource({ name: 'contacts', unique: ['email', 'profile.handle'] });
      return createApp({
        project: { name: 't', version: '1' },
        httpApiVersion: '1.0',
        resources: [contacts],
        userIdHmacSecret: SECRET,
      });
    }

    it.each([
      ['missing', {}],
      ['null', { email: null }],
      ['empty string', { email: '' }],
      ['empty list', { email: [] }],
      ['empty object', { email: {} }],
    ])('does not count %s values as duplicates', async (_label, data) => {
      const app = contactsApp();
      for (let i = 0; i < 2; i++) {
        const response = await call(app, 'POST', '/v1/contacts', { body: { data } });
        expect(response.status).toBe(201);
      }
    });

    it('checks a nested unique field', async () => {
      const app = contactsApp();
      const first = await call(app, 'POST', '/v1/contacts', {
        body: { data: { profile: { handle: 'ann' } } },
      });
      const second = await call(app, 'POST', '/v1/contacts', {
        body: { data: { profile: { handle: 'ann' } } },
      });
      expect(second.status).toBe(409);
      expect(second.body.details).toEqual({ field: 'profile.handle', existing: first.body.data });
    });
  });
});

describe('read-only fields', () => {
  it('answers 400 errno 109 when a client sets a read-only field on POST', async () => {
    const app = makeApp();
    const response = await call(app, 'POST', '/v1/articles', {
      body: { data: article({ stored_on: 1 }) },
    });
    expectInvalidData(response);
    expect(detailNames(response)).toEqual(['stored_on']);
  });

  it('answers 400 when PATCH changes a read-only field, and keeps the record', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const response = await call(app, 'PATCH', `/v1/articles/${record.id}`, {
      body: { data: { stored_on: record.stored_on + 1 } },
    });
    expectInvalidData(response);
    expect(detailNames(response)).toEqual(['stored_on']);
    expect((await call(app, 'GET', `/v1/articles/${record.id}`)).body.data).toEqual(record);
  });

  it('answers 400 when PUT changes a read-only field', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const response = await call(app, 'PUT', `/v1/articles/${record.id}`, {
      body: { data: { title: 'x', url: record.url, stored_on: 5 } },
    });
    expectInvalidData(response);
  });

  it('answers 400 when PUT sets a read-only field on creation', async () => {
    const app = makeApp();
    const response = await call(app, 'PUT', '/v1/articles/new-id', {
      body: { data: article({ stored_on: 5 }) },
    });
    expectInvalidData(response);
  });

  it('accepts the unchanged value echoed back on PATCH and PUT', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const patch = await call(app, 'PATCH', `/v1/articles/${record.id}`, {
      body: { data: { stored_on: record.stored_on, title: 'echo' } },
    });
    expect(patch.status).toBe(200);
    const { id: _id, last_modified: _lm, ...fields } = patch.body.data;
    const put = await call(app, 'PUT', `/v1/articles/${record.id}`, {
      body: { data: { ...fields, title: 'echo 2' } },
    });
    expect(put.status).toBe(200);
    expect(put.body.data.stored_on).toBe(record.stored_on);
  });

  it('keeps the stored read-only value when PUT leaves it out', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const response = await call(app, 'PUT', `/v1/articles/${record.id}`, {
      body: { data: { title: 'x', url: record.url } },
    });
    expect(response.status).toBe(200);
    expect(response.body.data.stored_on).toBe(record.stored_on);
  });

  it('keeps the stored read-only value when merge-patch removes it', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const response = await call(app, 'PATCH', `/v1/articles/${record.id}`, {
      raw: JSON.stringify({ data: { stored_on: null } }),
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    expect(response.status).toBe(200);
    expect(response.body.data.stored_on).toBe(record.stored_on);
  });
});
