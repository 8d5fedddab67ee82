import { describe, expect, it } from 'vitest';
import { call, createArticle, createNote, isEnvelope, makeApp } from './helpers.js';

describe('_fields', () => {
  it('returns only the requested fields plus id and last_modified on lists', async () => {
    const app = makeApp();
    const record = await createArticle(app, { title: 'MoCo' });
    const response = await call(app, 'GET', '/v1/articles?_fields=title,url');
    expect(response.body.data).toEqual([
      { id: record.id, last_modified: record.last_modified, title: 'MoCo', url: record.url },
    ]);
  });

  it('always returns id and last_modified, even when not asked', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const response = await call(app, 'GET', '/v1/articles?_fields=unread');
    expect(response.body.data).toEqual([
      { id: record.id, last_modified: record.last_modified, unread: true },
    ]);
  });

  it('returns only id and last_modified for _fields=id', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const response = await call(app, 'GET', '/v1/articles?_fields=id');
    expect(response.body.data).toEqual([{ id: record.id, last_modified: record.last_modified }]);
  });

  it('selects a nested field with a dotted name', async () => {
    const app = makeApp();
    const record = await createArticle(app, {
      author: { name: 'Ann', url: 'https://ann.example' },
    });
    const response = await call(app, 'GET', '/v1/articles?_fields=author.name');
    expect(response.body.data).toEqual([
      { id: record.id, last_modified: record.last_modified, author: { name: 'Ann' } },
    ]);
  });

  it('returns a whole nested object when its top-level name is asked', async () => {
    const app = makeApp();
    const author = { name: 'Ann', url: 'https://ann.example' };
    await createArticle(app, { author });
    const response = await call(app, 'GET', '/v1/articles?_fields=author');
    expect(response.body.data[0].author).toEqual(author);
  });

  it('leaves out requested fields the record does not have', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const response = await call(app, 'GET', '/v1/articles?_fields=word_count,author.name');
    expect(response.body.data).toEqual([{ id: record.id, last_modified: record.last_modified }]);
  });

  it('selects fields on a single record', async () => {
    const app = makeApp();
    const record = await createArticle(app, { title: 'Solo', tags: ['x'] });
    const response = await call(app, 'GET', `/v1/articles/${record.id}?_fields=title,tags`);
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({
      id: record.id,
      last_modified: record.last_modified,
      title: 'Solo',
      tags: ['x'],
    });
  });

  it('combines _fields with filters and sorting', async () => {
    const app = makeApp();
    const a = await createArticle(app, { title: 'b', unread: false });
    const b = await createArticle(app, { title: 'a', unread: false });
    await createArticle(app, { title: 'c', unread: true });
    const response = await call(app, 'GET', '/v1/articles?unread=false&_sort=title&_fields=title');
    expect(response.body.data).toEqual([
      { id: b.id, last_modified: b.last_modified, title: 'a' },
      { id: a.id, last_modified: a.last_modified, title: 'b' },
    ]);
  });

  it('ignores spaces and empty items in the list of fields', async () => {
    const app = makeApp();
    const record = await createArticle(app, { title: 'spaced' });
    const response = await call(app, 'GET', '/v1/articles?_fields=%20title%20,,');
    expect(response.body.data).toEqual([
      { id: record.id, last_modified: record.last_modified, title: 'spaced' },
    ]);
  });

  it('answers 400 errno 107 for an unknown field on lists and on records', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    for (const path of [
      '/v1/articles?_fields=title,colour',
      `/v1/articles/${record.id}?_fields=colour`,
    ]) {
      const response = await call(app, 'GET', path);
      expect(response.status).toBe(400);
      expect(isEnvelope(response)).toBe(true);
      expect(response.body.errno).toBe(107);
      expect(response.body.details[0]).toMatchObject({ location: 'querystring', name: '_fields' });
    }
  });

  it.each(['__proto__', 'constructor', 'a..b', 'title.', '%00'])(
    'answers 400 (never 500) for the hostile _fields=%s',
    async (name) => {
      const app = makeApp();
      const response = await call(app, 'GET', `/v1/articles?_fields=${name}`);
      expect(response.status).toBe(400);
      expect(response.body.errno).toBe(107);
    },
  );

  it('accepts any field on a schemaless resource, never reading the prototype', async () => {
    const app = makeApp();
    const note = await createNote(app, { deep: { a: { b: 1, c: 2 } }, other: true });
    const response = await call(
      app,
      'GET',
      '/v1/notes?_fields=deep.a.b,__proto__,constructor.name',
    );
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual([
      { id: note.id, last_modified: note.last_modified, deep: { a: { b: 1 } } },
    ]);
  });
});
