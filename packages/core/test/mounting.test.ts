import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { call, createArticle, isEnvelope, makeApp, walkPages } from './helpers.js';

function mounted(): { outer: Hono; inner: Hono } {
  const inner = makeApp();
  const outer = new Hono();
  outer.get('/health', (c) => c.text('ok'));
  outer.route('/api', inner);
  return { outer, inner };
}

describe('an app mounted inside a Hono app under a prefix', () => {
  it('serves the resource endpoints under the prefix', async () => {
    const { outer } = mounted();
    const created = await call(outer, 'POST', '/api/v1/articles', {
      body: { data: { title: 'Mounted', url: 'https://mounted.example' } },
    });
    expect(created.status).toBe(201);
    const list = await call(outer, 'GET', '/api/v1/articles');
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([created.body.data]);
    const record = await call(outer, 'GET', `/api/v1/articles/${created.body.data.id}`);
    expect(record.body.data).toEqual(created.body.data);
  });

  it('keeps serving the routes of the host app', async () => {
    const { outer } = mounted();
    const response = await call(outer, 'GET', '/health');
    expect(response.status).toBe(200);
    expect(response.text).toBe('ok');
  });

  it('keeps the prefix in Next-Page URLs, which can be followed', async () => {
    const { outer, inner } = mounted();
    for (let i = 0; i < 5; i++) {
      await call(outer, 'POST', '/api/v1/articles', {
        body: { data: { title: `t${i}`, url: `https://m.example/${i}` } },
      });
    }
    const first = await call(outer, 'GET', '/api/v1/articles?_limit=2');
    const next = new URL(first.headers.get('Next-Page') as string);
    expect(next.pathname).toBe('/api/v1/articles');
    const { pages, urls } = await walkPages(outer, '/api/v1/articles?_limit=2');
    expect(urls.every((url) => new URL(url).pathname === '/api/v1/articles')).toBe(true);
    expect(pages.flat()).toHaveLength(5);
    expect((await call(inner, 'GET', '/v1/articles')).body.data).toHaveLength(5);
  });

  it('keeps the prefix in the Next-Page URLs of batch sub-responses', async () => {
    const { outer } = mounted();
    for (let i = 0; i < 3; i++) {
      await call(outer, 'POST', '/api/v1/articles', {
        body: { data: { title: `t${i}`, url: `https://b.example/${i}` } },
      });
    }
    const batch = await call(outer, 'POST', '/api/v1/batch', {
      body: { requests: [{ path: '/articles?_limit=2' }] },
    });
    expect(batch.status).toBe(200);
    const next = batch.body.responses[0].headers['next-page'] as string;
    expect(new URL(next).pathname).toBe('/api/v1/articles');
    const followed = await call(outer, 'GET', next);
    expect(followed.status).toBe(200);
    expect(followed.body.data).toHaveLength(1);
  });

  it('answers errors with the JSON envelope under the prefix', async () => {
    const { outer } = mounted();
    const badFilter = await call(outer, 'GET', '/api/v1/articles?colour=red');
    expect(badFilter.status).toBe(400);
    expect(isEnvelope(badFilter)).toBe(true);
    const unauthenticated = await call(outer, 'GET', '/api/v1/articles', { auth: null });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('WWW-Authenticate')).not.toBeNull();
    const missing = await call(outer, 'GET', '/api/v1/articles/unknown');
    expect(missing.status).toBe(404);
    expect(missing.body.errno).toBe(110);
  });

  it('answers 404 errno 111 with the envelope for unknown paths under the prefix', async () => {
    const { outer } = mounted();
    const response = await call(outer, 'GET', '/api/v1/nope');
    expect(response.status).toBe(404);
    expect(isEnvelope(response)).toBe(true);
    expect(response.body.errno).toBe(111);
  });

  it('gives the API URL with the prefix in GET /v1/', async () => {
    const { outer } = mounted();
    const response = await call(outer, 'GET', '/api/v1/');
    expect(response.status).toBe(200);
    expect(response.body.url).toBe('http://localhost/api/v1');
  });

  it('keeps CORS and preconditions working under the prefix', async () => {
    const { outer, inner } = mounted();
    const record = await createArticle(inner);
    const response = await call(outer, 'PATCH', `/api/v1/articles/${record.id}`, {
      body: { data: { title: 'x' } },
      headers: { 'If-Match': '"1"' },
    });
    expect(response.status).toBe(412);
    expect(response.body.details.existing).toEqual(record);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
  });
});
