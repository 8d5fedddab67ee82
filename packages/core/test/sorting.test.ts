import { beforeAll, describe, expect, it } from 'vitest';
import { call, createArticle, createNote, ids, isEnvelope, type Json, makeApp } from './helpers.js';

describe('_sort on a schema resource', () => {
  const app = makeApp();
  let r: Json[] = [];

  beforeAll(async () => {
    r = [
      await createArticle(app, {
        title: 'banana',
        read_position: 2,
        favorite: false,
        author: { name: 'Zed' },
      }),
      await createArticle(app, {
        title: 'apple',
        read_position: 2,
        favorite: true,
        word_count: 10,
      }),
      await createArticle(app, {
        title: 'cherry',
        read_position: 1,
        favorite: false,
        author: { name: 'Amy' },
      }),
      await createArticle(app, { title: 'Apple', read_position: 3, favorite: true, word_count: 5 }),
    ];
  });

  async function order(query: string): Promise<string[]> {
    const response = await call(app, 'GET', `/v1/articles?${query}`);
    expect(response.status).toBe(200);
    return ids(response);
  }

  it('sorts by -last_modified when no _sort is given', async () => {
    expect(await order('')).toEqual([r[3].id, r[2].id, r[1].id, r[0].id]);
  });

  it('sorts ascending by a string field, by code point', async () => {
    expect(await order('_sort=title')).toEqual([r[3].id, r[1].id, r[0].id, r[2].id]);
  });

  it('sorts descending with a leading minus', async () => {
    expect(await order('_sort=-title')).toEqual([r[2].id, r[0].id, r[1].id, r[3].id]);
  });

  it('sorts ascending by last_modified when asked', async () => {
    expect(await order('_sort=last_modified')).toEqual(r.map((item) => item.id));
  });

  it('breaks ties with the following sort keys', async () => {
    expect(await order('_sort=read_position,title')).toEqual([r[2].id, r[1].id, r[0].id, r[3].id]);
    expect(await order('_sort=read_position,-title')).toEqual([r[2].id, r[0].id, r[1].id, r[3].id]);
  });

  it('breaks ties by -last_modified when the sort keys are equal', async () => {
    expect(await order('_sort=read_position')).toEqual([r[2].id, r[1].id, r[0].id, r[3].id]);
  });

  it('supports the -last_modified,field example of the protocol', async () => {
    expect(await order('_sort=-last_modified,title')).toEqual([r[3].id, r[2].id, r[1].id, r[0].id]);
  });

  it('gives true values first when ordering on a boolean field', async () => {
    const sortedIds = await order('_sort=favorite,title');
    expect(sortedIds).toEqual([r[3].id, r[1].id, r[0].id, r[2].id]);
  });

  it('sorts by a nested field with a dotted name', async () => {
    const sortedIds = await order('_sort=author.name');
    // Records without author come first in ascending order (missing sorts like null).
    expect(sortedIds.slice(2)).toEqual([r[2].id, r[0].id]);
    expect(await order('_sort=-author.name')).toEqual([r[0].id, r[2].id, r[3].id, r[1].id]);
  });

  it('puts records missing the field first ascending and last descending', async () => {
    expect(await order('_sort=word_count')).toEqual([r[2].id, r[0].id, r[3].id, r[1].id]);
    expect(await order('_sort=-word_count')).toEqual([r[1].id, r[3].id, r[2].id, r[0].id]);
  });

  it('combines sorting with filters', async () => {
    expect(await order('_sort=title&favorite=true')).toEqual([r[3].id, r[1].id]);
  });

  it('answers 400 errno 107 for an unknown sort field', async () => {
    const response = await call(app, 'GET', '/v1/articles?_sort=colour');
    expect(response.status).toBe(400);
    expect(isEnvelope(response)).toBe(true);
    expect(response.body.errno).toBe(107);
    expect(response.body.details[0]).toMatchObject({ location: 'querystring', name: '_sort' });
  });

  it.each(['-', 'title,,-', '--title', 'title.', '__proto__', 'title;drop', 'x'.repeat(300)])(
    'answers 400 (never 500) for the malformed sort %s',
    async (sort) => {
      const response = await call(app, 'GET', `/v1/articles?_sort=${encodeURIComponent(sort)}`);
      expect(response.status).toBe(400);
      expect(response.body.errno).toBe(107);
    },
  );
});

describe('_sort on a schemaless resource', () => {
  it('orders numbers numerically, before strings', async () => {
    const app = makeApp();
    const ten = await createNote(app, { rank: 10 });
    const nine = await createNote(app, { rank: 9 });
    const text = await createNote(app, { rank: '1' });
    const response = await call(app, 'GET', '/v1/notes?_sort=rank');
    expect(ids(response)).toEqual([nine.id, ten.id, text.id]);
  });

  it('accepts Json field name as a sort key', async () => {
    const app = makeApp();
    await createNote(app, { a: 1 });
    const response = await call(app, 'GET', '/v1/notes?_sort=-whatever.deep');
    expect(response.status).toBe(200);
    expect(response.body.data).toHaveLength(1);
  });
});
