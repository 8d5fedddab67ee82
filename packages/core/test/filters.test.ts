import type { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, createArticle, createNote, ids, isEnvelope, type Json, makeApp } from './helpers.js';

/** The ids of the records a query returns, sorted for order-independent comparison. */
async function matching(app: Hono, path: string): Promise<string[]> {
  const response = await call(app, 'GET', path);
  if (response.status !== 200) throw new Error(`${path}: ${response.status} ${response.text}`);
  return ids(response).sort();
}

function sorted(...values: string[]): string[] {
  return [...values].sort();
}

describe('filters on a schema resource', () => {
  const app = makeApp();
  let a: Json;
  let b: Json;
  let c: Json;
  let d: Json;

  beforeAll(async () => {
    a = await createArticle(app, {
      title: 'Learning Rust',
      read_position: 10,
      unread: false,
      tags: ['rust', 'lang'],
      author: { name: 'Ann', url: 'https://ann.example' },
      word_count: 100,
    });
    b = await createArticle(app, {
      title: 'Rusty bikes',
      read_position: 20,
      unread: true,
      tags: ['bikes'],
      author: { name: 'Bob' },
    });
    c = await createArticle(app, {
      title: '2.0',
      read_position: 30,
      tags: ['lang', 'go'],
      excerpt: 'hello',
    });
    d = await createArticle(app, {
      title: 'Zebra',
      read_position: 40,
      favorite: true,
      word_count: 5,
    });
  });

  it('matches a string field by plain value', async () => {
    expect(await matching(app, '/v1/articles?title=Rusty%20bikes')).toEqual([b.id]);
  });

  it('matches an integer field by plain value as a number', async () => {
    expect(await matching(app, '/v1/articles?read_position=20')).toEqual([b.id]);
  });

  it('matches a boolean field by plain value', async () => {
    expect(await matching(app, '/v1/articles?unread=false')).toEqual([a.id]);
    expect(await matching(app, '/v1/articles?favorite=true')).toEqual([d.id]);
  });

  it('reads a quoted value as a string even when it looks numeric', async () => {
    expect(await matching(app, '/v1/articles?title=%222.0%22')).toEqual([c.id]);
  });

  it('reads an unquoted numeric-looking value as a number, which does not equal a string', async () => {
    expect(await matching(app, '/v1/articles?title=2.0')).toEqual([]);
  });

  it('matches by id and by in_id, always as strings', async () => {
    expect(await matching(app, `/v1/articles?id=${a.id}`)).toEqual([a.id]);
    expect(await matching(app, `/v1/articles?in_id=${a.id},${c.id}`)).toEqual(sorted(a.id, c.id));
  });

  it('matches a nested field with a dotted name', async () => {
    expect(await matching(app, '/v1/articles?author.name=Ann')).toEqual([a.id]);
    expect(await matching(app, '/v1/articles?has_author.url=true')).toEqual([a.id]);
  });

  it('treats min_ and max_ as inclusive bounds', async () => {
    expect(await matching(app, '/v1/articles?min_read_position=20')).toEqual(
      sorted(b.id, c.id, d.id),
    );
    expect(await matching(app, '/v1/articles?max_read_position=20')).toEqual(sorted(a.id, b.id));
    expect(await matching(app, '/v1/articles?min_read_position=20&max_read_position=30')).toEqual(
      sorted(b.id, c.id),
    );
  });

  it('treats lt_ and gt_ as exclusive bounds', async () => {
    expect(await matching(app, '/v1/articles?gt_read_position=20')).toEqual(sorted(c.id, d.id));
    expect(await matching(app, '/v1/articles?lt_read_position=20')).toEqual([a.id]);
  });

  it('never matches a missing field with range operators', async () => {
    expect(await matching(app, '/v1/articles?min_word_count=0')).toEqual(sorted(a.id, d.id));
    expect(await matching(app, '/v1/articles?lt_word_count=1000')).toEqual(sorted(a.id, d.id));
  });

  it('matches Json of comma-separated values with in_', async () => {
    expect(await matching(app, '/v1/articles?in_read_position=10,30,99')).toEqual(
      sorted(a.id, c.id),
    );
  });

  it('excludes one value with not_', async () => {
    expect(await matching(app, '/v1/articles?not_read_position=10')).toEqual(
      sorted(b.id, c.id, d.id),
    );
  });

  it('keeps records lacking the field with not_', async () => {
    expect(await matching(app, '/v1/articles?not_word_count=100')).toEqual(
      sorted(b.id, c.id, d.id),
    );
  });

  it('excludes comma-separated values with exclude_', async () => {
    expect(await matching(app, '/v1/articles?exclude_read_position=10,20')).toEqual(
      sorted(c.id, d.id),
    );
  });

  it('filters on field existence with has_', async () => {
    expect(await matching(app, '/v1/articles?has_word_count=true')).toEqual(sorted(a.id, d.id));
    expect(await matching(app, '/v1/articles?has_word_count=false')).toEqual(sorted(b.id, c.id));
  });

  it('answers 400 errno 107 when has_ is not a boolean', async () => {
    const response = await call(app, 'GET', '/v1/articles?has_word_count=maybe');
    expect(response.status).toBe(400);
    expect(response.body.errno).toBe(107);
  });

  it('matches a substring case-insensitively with like_', async () => {
    expect(await matching(app, '/v1/articles?like_title=rust')).toEqual(sorted(a.id, b.id));
  });

  it('anchors like_ at the start with a trailing wildcard', async () => {
    expect(await matching(app, '/v1/articles?like_title=rust*')).toEqual([b.id]);
  });

  it('anchors like_ at the end with a leading wildcard', async () => {
    expect(await matching(app, '/v1/articles?like_title=*rust')).toEqual([a.id]);
  });

  it('treats *value* like a plain like_ value', async () => {
    expect(await matching(app, '/v1/articles?like_title=*RUST*')).toEqual(sorted(a.id, b.id));
  });

  it('treats % and _ as literal characters in like_', async () => {
    expect(await matching(app, '/v1/articles?like_title=%25')).toEqual([]);
    expect(await matching(app, '/v1/articles?like_title=_')).toEqual([]);
  });

  it('matches arrays containing a value with contains_', async () => {
    expect(await matching(app, '/v1/articles?contains_tags=lang')).toEqual(sorted(a.id, c.id));
  });

  it('matches arrays containing every listed value with contains_', async () => {
    expect(await matching(app, '/v1/articles?contains_tags=%5B%22rust%22,%22lang%22%5D')).toEqual([
      a.id,
    ]);
    expect(await matching(app, '/v1/articles?contains_tags=%5B%22rust%22,%22go%22%5D')).toEqual([]);
  });

  it('matches arrays containing Json listed value with contains_any_', async () => {
    expect(await matching(app, '/v1/articles?contains_any_tags=%5B%22rust%22,%22go%22%5D')).toEqual(
      sorted(a.id, c.id),
    );
    expect(await matching(app, '/v1/articles?contains_any_tags=bikes')).toEqual([b.id]);
  });

  it('combines several filters with AND', async () => {
    expect(await matching(app, '/v1/articles?like_title=rust&unread=true')).toEqual([b.id]);
    expect(
      await matching(app, '/v1/articles?min_read_position=10&contains_tags=lang&not_title=2.0'),
    ).toEqual(sorted(a.id, c.id));
  });

  it('filters on last_modified with comparison prefixes', async () => {
    expect(await matching(app, `/v1/articles?gt_last_modified=${b.last_modified}`)).toEqual(
      sorted(c.id, d.id),
    );
    expect(await matching(app, `/v1/articles?max_last_modified=${b.last_modified}`)).toEqual(
      sorted(a.id, b.id),
    );
    expect(await matching(app, `/v1/articles?last_modified=${c.last_modified}`)).toEqual([c.id]);
  });

  it('answers 400 errno 107 for a non-integer last_modified filter', async () => {
    const response = await call(app, 'GET', '/v1/articles?gt_last_modified=yesterday');
    expect(response.status).toBe(400);
    expect(response.body.errno).toBe(107);
  });

  it('answers 400 errno 107 naming the parameter for an unknown field', async () => {
    const response = await call(app, 'GET', '/v1/articles?colour=red');
    expect(response.status).toBe(400);
    expect(isEnvelope(response)).toBe(true);
    expect(response.body.errno).toBe(107);
    expect(response.body.details).toEqual([
      expect.objectContaining({ location: 'querystring', name: 'colour' }),
    ]);
  });

  it.each([
    'min_colour',
    'max_colour',
    'lt_colour',
    'gt_colour',
    'in_colour',
    'not_colour',
    'exclude_colour',
    'has_colour',
    'like_colour',
    'contains_colour',
    'contains_any_colour',
    'colour.name',
  ])('answers 400 errno 107 for the unknown field in %s', async (name) => {
    const response = await call(app, 'GET', `/v1/articles?${name}=x`);
    expect(response.status).toBe(400);
    expect(response.body.errno).toBe(107);
  });

  it.each([
    'constructor',
    'toString',
    'hasOwnProperty',
    'constructor.prototype',
    'a..b',
    '.title',
    'title.',
    'ti tle',
    'title;drop table',
    "title'--",
    '%00',
    '%F0%9F%92%A9',
    'min_',
    'x'.repeat(300),
  ])('answers 400 (never 500) for the hostile field name %s', async (name) => {
    const response = await call(app, 'GET', `/v1/articles?${name}=1`);
    expect(response.status).toBe(400);
    expect(isEnvelope(response)).toBe(true);
    expect(response.body.errno).toBe(107);
  });

  it('ignores unknown parameters starting with an underscore', async () => {
    expect(await matching(app, '/v1/articles?_whatever=1')).toHaveLength(4);
  });

  it.each(['__proto__', '__proto__.polluted', '_constructor'])(
    'ignores the underscore parameter %s instead of reading it through the prototype',
    async (name) => {
      const response = await call(app, 'GET', `/v1/articles?${name}=1`);
      expect(response.status).toBe(200);
      expect(response.body.data).toHaveLength(4);
    },
  );
});

describe('filters on a schemaless resource', () => {
  const app = makeApp();
  const notes: Record<string, Json> = {};

  beforeAll(async () => {
    notes.num = await createNote(app, { version: 2, size: 10 });
    notes.str = await createNote(app, { version: '2.0', size: 9 });
    notes.arr = await createNote(app, { version: [1, 2], colors: ['red', 'blue'] });
    notes.obj = await createNote(app, { version: { checked: true }, colors: ['green'] });
    notes.nul = await createNote(app, { version: null, nested: { deep: { level: 3 } } });
    notes.aliases = await createNote(app, { aliases: [{ ll: 'ls -l' }, { gti: 'git' }] });
  });

  it('accepts filters on Json field name', async () => {
    expect(await matching(app, '/v1/notes?never_stored=1')).toEqual([]);
  });

  it('matches a number with 2.0 and a string with "2.0"', async () => {
    expect(await matching(app, '/v1/notes?version=2.0')).toEqual([notes.num.id]);
    expect(await matching(app, '/v1/notes?version=%222.0%22')).toEqual([notes.str.id]);
  });

  it('matches a JSON array value exactly', async () => {
    expect(await matching(app, '/v1/notes?version=%5B1,2%5D')).toEqual([notes.arr.id]);
  });

  it('matches a JSON object value', async () => {
    expect(await matching(app, '/v1/notes?version=%7B%22checked%22:%20true%7D')).toEqual([
      notes.obj.id,
    ]);
  });

  it('matches null with version=null', async () => {
    expect(await matching(app, '/v1/notes?version=null')).toEqual([notes.nul.id]);
  });

  it('counts a null field as present for has_', async () => {
    expect(await matching(app, '/v1/notes?has_version=true')).toEqual(
      sorted(notes.num.id, notes.str.id, notes.arr.id, notes.obj.id, notes.nul.id),
    );
    expect(await matching(app, '/v1/notes?has_version=false')).toEqual([notes.aliases.id]);
  });

  it('matches deeply nested fields with dotted names', async () => {
    expect(await matching(app, '/v1/notes?nested.deep.level=3')).toEqual([notes.nul.id]);
    expect(await matching(app, '/v1/notes?min_nested.deep.level=4')).toEqual([]);
  });

  it('compares numbers numerically, not as text', async () => {
    expect(await matching(app, '/v1/notes?gt_size=9')).toEqual([notes.num.id]);
  });

  it('matches arrays of objects with contains_any_', async () => {
    const value = encodeURIComponent('[{"ll": "ls -l"}, {"gti": "git"}]');
    expect(await matching(app, `/v1/notes?contains_any_aliases=${value}`)).toEqual([
      notes.aliases.id,
    ]);
    expect(
      await matching(app, `/v1/notes?contains_aliases=${encodeURIComponent('{"gti":"git"}')}`),
    ).toEqual([notes.aliases.id]);
  });

  it('matches colours with contains_ (all) and contains_any_ (some)', async () => {
    const both = encodeURIComponent('["red","blue"]');
    const either = encodeURIComponent('["red","green"]');
    expect(await matching(app, `/v1/notes?contains_colors=${both}`)).toEqual([notes.arr.id]);
    expect(await matching(app, `/v1/notes?contains_any_colors=${either}`)).toEqual(
      sorted(notes.arr.id, notes.obj.id),
    );
  });

  it.each([
    '__proto__',
    'constructor',
    'toString',
    '__proto__.polluted',
    'constructor.prototype',
    'hasOwnProperty',
  ])('never matches through the prototype for the field name %s', async (name) => {
    const response = await call(app, 'GET', `/v1/notes?has_${name}=true`);
    expect(response.status).toBeLessThan(500);
    if (response.status === 200) expect(response.body.data).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each(['a..b', '.x', 'x.', 'ti tle', '%00', 'x'.repeat(300)])(
    'answers 400 (never 500) for the malformed field name %s',
    async (name) => {
      const response = await call(app, 'GET', `/v1/notes?${name}=1`);
      expect(response.status).toBe(400);
      expect(response.body.errno).toBe(107);
    },
  );
});
