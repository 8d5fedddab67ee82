import type { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import {
  call,
  createArticle,
  etagOf,
  ids,
  isEnvelope,
  type Json,
  makeApp,
  walkPages,
} from './helpers.js';

async function seed(
  app: Hono,
  count: number,
  fields: (i: number) => Record<string, unknown> = () => ({}),
): Promise<Json[]> {
  const records = [];
  for (let i = 0; i < count; i++) records.push(await createArticle(app, fields(i)));
  return records;
}

/** Rewrites the JSON payload of a `_token` (base64url of JSON) and returns the new token. */
function forge(token: string, change: (payload: Record<string, unknown>) => void): string {
  const payload = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  change(payload);
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

function tokenOf(nextPage: string): string {
  return new URL(nextPage).searchParams.get('_token') as string;
}

describe('_limit and Next-Page', () => {
  it('returns at most _limit records with a Next-Page URL', async () => {
    const app = makeApp();
    await seed(app, 5);
    const response = await call(app, 'GET', '/v1/articles?_limit=2');
    expect(response.body.data).toHaveLength(2);
    const next = response.headers.get('Next-Page');
    expect(next).not.toBeNull();
  });

  it('makes Next-Page a full URL to the same endpoint with _token and _limit', async () => {
    const app = makeApp();
    await seed(app, 3);
    const response = await call(app, 'GET', '/v1/articles?_limit=1&unread=true');
    const next = new URL(response.headers.get('Next-Page') as string);
    expect(next.origin).toBe('http://localhost');
    expect(next.pathname).toBe('/v1/articles');
    expect(next.searchParams.get('_token')).toMatch(/^[\w-]+$/);
    expect(next.searchParams.get('_limit')).toBe('1');
    expect(next.searchParams.get('unread')).toBe('true');
  });

  it('gives no Next-Page when everything fits in the page', async () => {
    const app = makeApp();
    await seed(app, 3);
    const response = await call(app, 'GET', '/v1/articles?_limit=3');
    expect(response.body.data).toHaveLength(3);
    expect(response.headers.get('Next-Page')).toBeNull();
  });

  it('gives no Next-Page on an empty collection', async () => {
    const app = makeApp();
    const response = await call(app, 'GET', '/v1/articles?_limit=3');
    expect(response.headers.get('Next-Page')).toBeNull();
  });

  it('returns every record exactly once, in order, when following every page', async () => {
    const app = makeApp();
    await seed(app, 11);
    const all = ids(await call(app, 'GET', '/v1/articles'));
    const { pages } = await walkPages(app, '/v1/articles?_limit=3');
    expect(pages.map((page) => page.length)).toEqual([3, 3, 3, 2]);
    expect(pages.flat().map((item) => item.id)).toEqual(all);
  });

  it('ends without an empty page when the count is a multiple of _limit', async () => {
    const app = makeApp();
    await seed(app, 4);
    const { pages } = await walkPages(app, '/v1/articles?_limit=2');
    expect(pages.map((page) => page.length)).toEqual([2, 2]);
  });

  it('paginates a sort with many ties exactly once per record', async () => {
    const app = makeApp();
    await seed(app, 10, (i) => ({ read_position: i % 2, unread: i % 3 === 0 }));
    const all = ids(await call(app, 'GET', '/v1/articles?_sort=unread,-read_position'));
    const { pages } = await walkPages(app, '/v1/articles?_sort=unread,-read_position&_limit=3');
    expect(pages.flat().map((item) => item.id)).toEqual(all);
  });

  it('paginates a sort on a field some records lack', async () => {
    const app = makeApp();
    await seed(app, 9, (i) => (i % 3 === 0 ? {} : { word_count: i }));
    for (const sort of ['word_count', '-word_count']) {
      const all = ids(await call(app, 'GET', `/v1/articles?_sort=${sort}`));
      const { pages } = await walkPages(app, `/v1/articles?_sort=${sort}&_limit=2`);
      expect(pages.flat().map((item) => item.id)).toEqual(all);
    }
  });

  it('combines pagination with filters', async () => {
    const app = makeApp();
    await seed(app, 10, (i) => ({ unread: i % 2 === 0 }));
    const all = ids(await call(app, 'GET', '/v1/articles?unread=true'));
    expect(all).toHaveLength(5);
    const { pages } = await walkPages(app, '/v1/articles?unread=true&_limit=2');
    expect(pages.flat().map((item) => item.id)).toEqual(all);
  });

  it('combines pagination with _since polling, tombstones included', async () => {
    const app = makeApp();
    const records = await seed(app, 8);
    const since = records[2].last_modified;
    await call(app, 'DELETE', `/v1/articles/${records[4].id}`);
    const all = ids(await call(app, 'GET', `/v1/articles?_since=${since}`));
    expect(all).toHaveLength(5);
    const { pages } = await walkPages(app, `/v1/articles?_since=${since}&_limit=2`);
    const walked = pages.flat();
    expect(walked.map((item) => item.id)).toEqual(all);
    expect(walked.filter((item) => item.deleted)).toEqual([
      expect.objectContaining({ id: records[4].id }),
    ]);
  });

  it('combines pagination with _sort, filters and _fields', async () => {
    const app = makeApp();
    await seed(app, 7, (i) => ({ title: `t${7 - i}`, read_position: i }));
    const query = '_sort=title&min_read_position=1&_fields=title';
    const all = (await call(app, 'GET', `/v1/articles?${query}`)).body.data;
    const { pages } = await walkPages(app, `/v1/articles?${query}&_limit=2`);
    expect(pages.flat()).toEqual(all);
    expect(Object.keys(all[0]).sort()).toEqual(['id', 'last_modified', 'title']);
  });

  it('keeps the total in Total-Records on every page', async () => {
    const app = makeApp();
    await seed(app, 5);
    const first = await call(app, 'GET', '/v1/articles?_limit=2');
    const second = await call(app, 'GET', first.headers.get('Next-Page') as string);
    expect(first.headers.get('Total-Records')).toBe('5');
    expect(second.headers.get('Total-Records')).toBe('5');
  });

  it("repeats the first page's Total-Records on later pages, as of the first page", async () => {
    const app = makeApp();
    const records = await seed(app, 5, (i) => ({ unread: i % 2 === 0 }));
    const first = await call(app, 'GET', '/v1/articles?unread=true&_limit=1');
    expect(first.headers.get('Total-Records')).toBe('3');
    await createArticle(app, { unread: true });
    await call(app, 'DELETE', `/v1/articles/${records[0]?.id}`);
    let next = first.headers.get('Next-Page');
    let pages = 0;
    while (next !== null) {
      const page = await call(app, 'GET', next);
      expect(page.headers.get('Total-Records')).toBe('3');
      next = page.headers.get('Next-Page');
      pages++;
    }
    expect(pages).toBe(1);
    const fresh = await call(app, 'GET', '/v1/articles?unread=true&_limit=1');
    expect(fresh.headers.get('Total-Records')).toBe('3');
    const head = await call(app, 'HEAD', first.headers.get('Next-Page') as string);
    expect(head.headers.get('Total-Records')).toBe('3');
  });

  it('counts anew on the first page after every change of the collection', async () => {
    const app = makeApp();
    const records = await seed(app, 4, (i) => ({ unread: i < 2 }));
    const totals: Array<string | null> = [];
    const unreadTotal = async () => {
      const response = await call(app, 'GET', '/v1/articles?unread=true&_limit=1');
      totals.push(response.headers.get('Total-Records'));
    };
    await unreadTotal();
    await unreadTotal();
    await call(app, 'PATCH', `/v1/articles/${records[3]?.id}`, {
      body: { data: { unread: true } },
    });
    await unreadTotal();
    await call(app, 'DELETE', `/v1/articles/${records[0]?.id}`);
    await unreadTotal();
    await createArticle(app, { unread: true });
    await unreadTotal();
    expect(totals).toEqual(['2', '2', '3', '2', '3']);
  });

  it.each(['abc', '-1', '0', '1.5', '1e3', ' '])(
    'answers 400 errno 107 for _limit=%s',
    async (limit) => {
      const app = makeApp();
      const response = await call(app, 'GET', `/v1/articles?_limit=${encodeURIComponent(limit)}`);
      expect(response.status).toBe(400);
      expect(response.body.errno).toBe(107);
    },
  );
});

describe('the maximum page size', () => {
  it('paginates lists without _limit by the maximum page size', async () => {
    const app = makeApp({ settings: { maxPageSize: 3 } });
    await seed(app, 7);
    const response = await call(app, 'GET', '/v1/articles');
    expect(response.body.data).toHaveLength(3);
    expect(response.headers.get('Next-Page')).not.toBeNull();
    const { pages } = await walkPages(app, '/v1/articles');
    expect(pages.flat()).toHaveLength(7);
  });

  it('caps a larger _limit at the maximum page size', async () => {
    const app = makeApp({ settings: { maxPageSize: 3 } });
    await seed(app, 5);
    const response = await call(app, 'GET', '/v1/articles?_limit=100');
    expect(response.body.data).toHaveLength(3);
    expect(response.headers.get('Next-Page')).not.toBeNull();
  });
});

describe('invalid _token values', () => {
  async function firstToken(app: Hono, query = '_limit=1'): Promise<string> {
    await seed(app, 3);
    const response = await call(app, 'GET', `/v1/articles?${query}`);
    return tokenOf(response.headers.get('Next-Page') as string);
  }

  async function expectInvalid(app: Hono, query: string): Promise<void> {
    const response = await call(app, 'GET', `/v1/articles?${query}`);
    expect(response.status).toBe(400);
    expect(isEnvelope(response)).toBe(true);
    expect(response.body.errno).toBe(107);
  }

  it.each([
    'garbage!',
    'abc',
    Buffer.from('not json').toString('base64url'),
    Buffer.from('[]').toString('base64url'),
    Buffer.from('null').toString('base64url'),
    Buffer.from('{"a":"x","s":1,"k":""}').toString('base64url'),
    '%FF%FE',
    'x'.repeat(20_000),
  ])('answers 400 errno 107 for the garbage token %s', async (token) => {
    const app = makeApp();
    await expectInvalid(app, `_limit=1&_token=${token}`);
  });

  it('answers 400 errno 107 for a token used with another sort', async () => {
    const app = makeApp();
    const token = await firstToken(app, '_limit=1&_sort=title');
    await expectInvalid(app, `_limit=1&_sort=-title&_token=${token}`);
  });

  it('answers 400 errno 107 for a token whose keys were tampered with', async () => {
    const app = makeApp();
    const token = await firstToken(app);
    await expectInvalid(app, `_limit=1&_token=${forge(token, (p) => (p.a as unknown[]).pop())}`);
    await expectInvalid(app, `_limit=1&_token=${forge(token, (p) => (p.s = -5))}`);
    await expectInvalid(app, `_limit=1&_token=${forge(token, (p) => (p.s = 'soon'))}`);
    await expectInvalid(app, `_limit=1&_token=${forge(token, (p) => (p.a = 'x'))}`);
    await expectInvalid(app, `_limit=1&_token=${forge(token, (p) => (p.t = -1))}`);
    await expectInvalid(app, `_limit=1&_token=${forge(token, (p) => (p.t = 1.5))}`);
  });

  it('counts the total of a token made before tokens carried it', async () => {
    const app = makeApp();
    const token = await firstToken(app);
    const older = forge(token, (p) => delete p.t);
    const response = await call(app, 'GET', `/v1/articles?_limit=1&_token=${older}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('Total-Records')).toBe('3');
    expect(response.body.data).toHaveLength(1);
  });

  it('never answers 500 for a token with odd key values', async () => {
    const app = makeApp();
    const token = await firstToken(app);
    for (const value of [null, {}, [], true, 'z'.repeat(100), -1e300]) {
      const forged = forge(token, (p) => (p.a = [value, value]));
      const response = await call(app, 'GET', `/v1/articles?_limit=1&_token=${forged}`);
      expect(response.status === 200 || response.status === 400).toBe(true);
    }
  });
});

describe('changes between pages', () => {
  it('never shows a record twice nor skips an untouched one when records change meanwhile', async () => {
    const app = makeApp();
    const records = await seed(app, 10);
    const touched = new Set<string>();
    const created: string[] = [];
    const seen: string[] = [];
    let next: string | null = '/v1/articles?_limit=3';
    while (next !== null) {
      const response = await call(app, 'GET', next);
      expect(response.status).toBe(200);
      seen.push(...ids(response));
      next = response.headers.get('Next-Page');
      if (next === null) break;
      // A seen record is updated (it moves to the front of -last_modified), an unseen one is
      // updated, another unseen one is deleted, and a new record is created.
      const unseen = records.filter(
        (record) => !seen.includes(record.id) && !touched.has(record.id),
      );
      const [updated, deleted] = unseen;
      const seenOne = seen.find((id) => !touched.has(id));
      for (const id of [seenOne, updated?.id]) {
        if (!id) continue;
        await call(app, 'PATCH', `/v1/articles/${id}`, {
          body: { data: { title: `changed ${id}` } },
        });
        touched.add(id);
      }
      if (deleted) {
        await call(app, 'DELETE', `/v1/articles/${deleted.id}`);
        touched.add(deleted.id);
      }
      created.push((await createArticle(app)).id);
    }
    expect(touched.size).toBeGreaterThan(3);
    expect(new Set(seen).size).toBe(seen.length);
    for (const record of records) {
      if (!touched.has(record.id)) expect(seen).toContain(record.id);
    }
    for (const id of created) expect(seen).not.toContain(id);
  });

  it('answers 412 on a later page fetched with If-Match once the collection changed', async () => {
    const app = makeApp();
    await seed(app, 4);
    const first = await call(app, 'GET', '/v1/articles?_limit=2');
    const etag = first.headers.get('ETag') as string;
    const next = first.headers.get('Next-Page') as string;
    const unchanged = await call(app, 'GET', next, { headers: { 'If-Match': etag } });
    expect(unchanged.status).toBe(200);
    await createArticle(app);
    const changed = await call(app, 'GET', next, { headers: { 'If-Match': etag } });
    expect(changed.status).toBe(412);
    expect(changed.body.errno).toBe(114);
  });

  it('lets a _since poll from the first page ETag catch what changed during the walk', async () => {
    const app = makeApp();
    const records = await seed(app, 6);
    const first = await call(app, 'GET', '/v1/articles?_limit=2');
    const etag = etagOf(first);
    const unseen = records[0];
    await call(app, 'PATCH', `/v1/articles/${unseen.id}`, {
      body: { data: { title: 'changed during walk' } },
    });
    const { pages } = await walkPages(app, first.headers.get('Next-Page') as string);
    const poll = await call(app, 'GET', `/v1/articles?_since=${etag}`);
    const walkedOrPolled = new Set([
      ...ids(first),
      ...pages.flat().map((item) => item.id),
      ...ids(poll),
    ]);
    for (const record of records) expect(walkedOrPolled.has(record.id)).toBe(true);
    expect(ids(poll)).toContain(unseen.id);
  });
});

describe('pagination seen from outside', () => {
  it('gives later pages the ETag of the first, so a client keeping the last ETag misses nothing', async () => {
    const app = makeApp();
    for (let i = 0; i < 3; i += 1) await createArticle(app);
    const first = await call(app, 'GET', '/v1/articles?_limit=2');
    const created = await createArticle(app, { title: 'made during the walk' });
    const next = first.headers.get('Next-Page') ?? '';
    const second = await call(app, 'GET', next.replace('http://localhost', ''));
    expect(second.headers.get('ETag')).toBe(first.headers.get('ETag'));
    const since = JSON.parse(second.headers.get('ETag') ?? '""');
    const poll = await call(app, 'GET', `/v1/articles?_since=${since}`);
    expect(ids(poll)).toContain(created.id);
  });

  it('builds Next-Page from the public URL setting', async () => {
    const app = makeApp({ settings: { publicUrl: 'https://api.example.com' } });
    for (let i = 0; i < 2; i += 1) await createArticle(app);
    const page = await call(app, 'GET', '/v1/articles?_limit=1');
    expect(page.headers.get('Next-Page')).toMatch(/^https:\/\/api\.example\.com\/v1\/articles\?/);
  });

  it('builds Next-Page from X-Forwarded-* only behind a trusted proxy', async () => {
    const headers = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'public.example.org' };
    const trusted = makeApp({ settings: { trustProxy: true } });
    const untrusted = makeApp();
    for (const app of [trusted, untrusted]) for (let i = 0; i < 2; i += 1) await createArticle(app);
    const viaProxy = await call(trusted, 'GET', '/v1/articles?_limit=1', { headers });
    expect(viaProxy.headers.get('Next-Page')).toMatch(/^https:\/\/public\.example\.org\/v1\//);
    const direct = await call(untrusted, 'GET', '/v1/articles?_limit=1', { headers });
    expect(direct.headers.get('Next-Page')).toMatch(/^http:\/\/localhost\/v1\//);
  });
});
