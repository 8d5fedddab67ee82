import { describe, expect, it } from 'vitest';
import { BOB, basicUserId, call, createArticle, etagOf, ids, makeApp } from './helpers.js';

const LIST_EXPOSED =
  'Backoff, Retry-After, Alert, Content-Length, ETag, Next-Page, Total-Records, Last-Modified';
const RECORD_EXPOSED = 'Backoff, Retry-After, Alert, Content-Length, ETag, Last-Modified';
const WRITE_EXPOSED = 'Backoff, Retry-After, Alert, Content-Length';

describe('GET on a collection', () => {
  it('returns every record of the user in data, newest first by default', async () => {
    const app = makeApp();
    const first = await createArticle(app, { title: 'MoFo' });
    const second = await createArticle(app, { title: 'MoCo' });
    const response = await call(app, 'GET', '/v1/articles');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
    expect(response.body).toEqual({ data: [second, first] });
  });

  it('returns an empty data list for a collection never written', async () => {
    const app = makeApp();
    const response = await call(app, 'GET', '/v1/articles');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: [] });
    expect(response.headers.get('Total-Records')).toBe('0');
  });

  it('gives Total-Records as the number of records', async () => {
    const app = makeApp();
    for (let i = 0; i < 3; i++) await createArticle(app);
    const response = await call(app, 'GET', '/v1/articles');
    expect(response.headers.get('Total-Records')).toBe('3');
  });

  it('gives the collection timestamp as a quoted ETag equal to the newest last_modified', async () => {
    const app = makeApp();
    await createArticle(app);
    const newest = await createArticle(app);
    const response = await call(app, 'GET', '/v1/articles');
    expect(response.headers.get('ETag')).toBe(`"${newest.last_modified}"`);
  });

  it('gives Last-Modified as the HTTP date of the collection timestamp, rounded to the second', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const response = await call(app, 'GET', '/v1/articles');
    const header = response.headers.get('Last-Modified');
    expect(header).toBe(new Date(record.last_modified).toUTCString());
    expect(Math.floor(Date.parse(header as string) / 1000)).toBe(
      Math.floor(record.last_modified / 1000),
    );
  });

  it('keeps the ETag of an empty collection stable until a record is created', async () => {
    const app = makeApp();
    const before = await call(app, 'GET', '/v1/articles');
    const again = await call(app, 'GET', '/v1/articles');
    expect(again.headers.get('ETag')).toBe(before.headers.get('ETag'));
    const record = await createArticle(app);
    const after = await call(app, 'GET', '/v1/articles');
    expect(etagOf(after)).toBe(record.last_modified);
    expect(etagOf(after)).toBeGreaterThan(etagOf(before));
  });

  it('counts only the filtered records in Total-Records', async () => {
    const app = makeApp();
    await createArticle(app, { unread: false });
    await createArticle(app, { unread: false });
    await createArticle(app, { unread: true });
    const response = await call(app, 'GET', '/v1/articles?unread=false');
    expect(response.body.data).toHaveLength(2);
    expect(response.headers.get('Total-Records')).toBe('2');
  });

  it('keeps ETag and Last-Modified of the unfiltered collection when filters match nothing', async () => {
    const app = makeApp();
    await createArticle(app, { title: 'a' });
    const unfiltered = await call(app, 'GET', '/v1/articles');
    const filtered = await call(app, 'GET', '/v1/articles?title=nothing-matches');
    expect(filtered.body.data).toEqual([]);
    expect(filtered.headers.get('ETag')).toBe(unfiltered.headers.get('ETag'));
    expect(filtered.headers.get('Last-Modified')).toBe(unfiltered.headers.get('Last-Modified'));
  });

  it('keeps the ETag of the unfiltered collection when filters exclude the newest record', async () => {
    const app = makeApp();
    await createArticle(app, { unread: false });
    const newest = await createArticle(app, { unread: true });
    const filtered = await call(app, 'GET', '/v1/articles?unread=false&_sort=title&_limit=1');
    expect(etagOf(filtered)).toBe(newest.last_modified);
  });

  it('answers Total-Records on the total count even when the page is limited', async () => {
    const app = makeApp();
    for (let i = 0; i < 5; i++) await createArticle(app);
    const response = await call(app, 'GET', '/v1/articles?_limit=2');
    expect(response.body.data).toHaveLength(2);
    expect(response.headers.get('Total-Records')).toBe('5');
  });

  it('lists only the records of the requesting user', async () => {
    const app = makeApp();
    const mine = await createArticle(app);
    await createArticle(app, {}, BOB);
    const response = await call(app, 'GET', '/v1/articles');
    expect(ids(response)).toEqual([mine.id]);
  });
});

describe('HEAD on a collection', () => {
  it('answers the headers of GET without a body', async () => {
    const app = makeApp();
    await createArticle(app);
    await createArticle(app);
    const get = await call(app, 'GET', '/v1/articles');
    const head = await call(app, 'HEAD', '/v1/articles');
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect(head.headers.get('Total-Records')).toBe('2');
    expect(head.headers.get('ETag')).toBe(get.headers.get('ETag'));
    expect(head.headers.get('Last-Modified')).toBe(get.headers.get('Last-Modified'));
  });

  it('counts the records matching the filters in Total-Records', async () => {
    const app = makeApp();
    await createArticle(app, { read_position: 10 });
    await createArticle(app, { read_position: 20 });
    await createArticle(app, { read_position: 30 });
    const head = await call(app, 'HEAD', '/v1/articles?min_read_position=20');
    expect(head.headers.get('Total-Records')).toBe('2');
  });

  it('counts every match regardless of _limit', async () => {
    const app = makeApp();
    for (let i = 0; i < 4; i++) await createArticle(app);
    const head = await call(app, 'HEAD', '/v1/articles?_limit=1');
    expect(head.headers.get('Total-Records')).toBe('4');
  });

  it('answers 400 on HEAD with an unknown filter field', async () => {
    const app = makeApp();
    const head = await call(app, 'HEAD', '/v1/articles?unknown_field=1');
    expect(head.status).toBe(400);
  });
});

describe('GET on a record', () => {
  it('returns the record in data with its timestamp as ETag and Last-Modified', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const response = await call(app, 'GET', `/v1/articles/${record.id}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: record, permissions: { write: [basicUserId('alice')] } });
    expect(response.headers.get('ETag')).toBe(`"${record.last_modified}"`);
    expect(response.headers.get('Last-Modified')).toBe(
      new Date(record.last_modified).toUTCString(),
    );
  });

  it('gives the record timestamp as ETag, not the collection one', async () => {
    const app = makeApp();
    const older = await createArticle(app);
    await createArticle(app);
    const response = await call(app, 'GET', `/v1/articles/${older.id}`);
    expect(etagOf(response)).toBe(older.last_modified);
  });

  it('answers HEAD on a record with its ETag and no body', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const response = await call(app, 'HEAD', `/v1/articles/${record.id}`);
    expect(response.status).toBe(200);
    expect(response.text).toBe('');
    expect(etagOf(response)).toBe(record.last_modified);
  });
});

describe('CORS headers', () => {
  it('allows any origin and exposes the list headers on collection GET', async () => {
    const app = makeApp();
    const response = await call(app, 'GET', '/v1/articles', {
      headers: { Origin: 'https://client.example' },
    });
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
    expect(response.headers.get('Access-Control-Expose-Headers')).toBe(LIST_EXPOSED);
  });

  it('exposes the list headers on collection HEAD', async () => {
    const app = makeApp();
    const response = await call(app, 'HEAD', '/v1/articles');
    expect(response.headers.get('Access-Control-Expose-Headers')).toBe(LIST_EXPOSED);
  });

  it('exposes the record headers on record GET', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const response = await call(app, 'GET', `/v1/articles/${record.id}`);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
    expect(response.headers.get('Access-Control-Expose-Headers')).toBe(RECORD_EXPOSED);
  });

  it('exposes the short header list on 304 answers, for lists and records', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const list = await call(app, 'GET', '/v1/articles');
    for (const [path, etag] of [
      ['/v1/articles', list.headers.get('ETag')],
      [`/v1/articles/${record.id}`, `"${record.last_modified}"`],
    ]) {
      const response = await call(app, 'GET', path as string, {
        headers: { 'If-None-Match': etag as string },
      });
      expect(response.status).toBe(304);
      expect(response.headers.get('ETag')).toBe(etag);
      expect(response.headers.get('Access-Control-Expose-Headers')).toBe(WRITE_EXPOSED);
    }
  });

  it('exposes the write headers on POST, PUT, PATCH and DELETE', async () => {
    const app = makeApp({ allowCollectionDelete: true });
    const post = await call(app, 'POST', '/v1/articles', {
      body: { data: { title: 'a', url: 'https://a.example' } },
    });
    expect(post.status).toBe(201);
    const id = post.body.data.id;
    const put = await call(app, 'PUT', `/v1/articles/${id}`, {
      body: { data: { title: 'b', url: 'https://b.example' } },
    });
    const patch = await call(app, 'PATCH', `/v1/articles/${id}`, {
      body: { data: { title: 'c' } },
    });
    const remove = await call(app, 'DELETE', `/v1/articles/${id}`);
    const removeAll = await call(app, 'DELETE', '/v1/articles');
    for (const response of [post, put, patch, remove, removeAll]) {
      expect(response.status).toBeLessThan(300);
      expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
      expect(response.headers.get('Access-Control-Expose-Headers')).toBe(WRITE_EXPOSED);
    }
  });

  it('answers a preflight request without authentication', async () => {
    const app = makeApp();
    const response = await call(app, 'OPTIONS', '/v1/articles', {
      auth: null,
      headers: { Origin: 'https://client.example', 'Access-Control-Request-Method': 'PATCH' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
    expect(response.headers.get('Access-Control-Allow-Methods')).toContain('PATCH');
  });

  it('allows only the configured origins when corsOrigins is a list', async () => {
    const app = makeApp({ settings: { corsOrigins: ['https://good.example'] } });
    const good = await call(app, 'GET', '/v1/articles', {
      headers: { Origin: 'https://good.example' },
    });
    const bad = await call(app, 'GET', '/v1/articles', {
      headers: { Origin: 'https://evil.example' },
    });
    expect(good.headers.get('Access-Control-Allow-Origin')).toBe('https://good.example');
    expect(bad.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });
});
