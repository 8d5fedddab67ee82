import { describe, expect, it } from 'vitest';
import { defineResource, HttpError } from '../src/index.js';
import { ALICE, appServing, article, call, createArticle, isEnvelope, makeApp } from './helpers.js';

describe('the error envelope', () => {
  it('carries code, errno, error and message, with code equal to the status', async () => {
    const app = makeApp();
    const response = await call(app, 'GET', '/v1/articles/unknown');
    expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
    expect(response.body).toEqual({
      code: 404,
      errno: 110,
      error: 'Not Found',
      message: expect.any(String),
      details: { id: 'unknown', resource_name: 'articles' },
    });
  });

  it('carries the CORS headers on errors', async () => {
    const app = makeApp();
    const response = await call(app, 'GET', '/v1/articles/unknown');
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
  });
});

describe('unknown paths', () => {
  it.each([
    '/v1/unknown',
    '/v1/articles/id/extra',
    '/v1//articles',
    '/v1/__proto__',
    '/v1/%E2%9C%93',
  ])('answers 404 errno 111 for %s', async (path) => {
    const app = makeApp();
    const response = await call(app, 'GET', path);
    expect(response.status).toBe(404);
    expect(isEnvelope(response)).toBe(true);
    expect(response.body.errno).toBe(111);
  });

  it('answers 404 errno 116 for another major version of the API', async () => {
    const app = makeApp();
    const response = await call(app, 'GET', '/v2/articles');
    expect(response.status).toBe(404);
    expect(isEnvelope(response)).toBe(true);
    expect(response.body.errno).toBe(116);
  });

  it('answers 404 errno 111 for unknown paths with any method, before authentication', async () => {
    const app = makeApp();
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const response = await call(app, method, '/v1/unknown', { auth: null });
      expect(response.status).toBe(404);
      expect(response.body.errno).toBe(111);
    }
  });
});

describe('paths outside the routes', () => {
  it.each([
    '//evil.example/',
    '//evil.example',
    '/%2F%2Fevil.example/',
    '///evil.example/x/',
    '/\\evil.example/',
  ])('never redirects %s to another site', async (path) => {
    const app = makeApp();
    const response = await call(app, 'GET', path);
    expect(response.status).toBeLessThan(500);
    const location = response.headers.get('Location');
    if (location !== null) {
      expect(location).toMatch(/^\/[^/\\]/);
      expect(new URL(location, 'http://localhost').origin).toBe('http://localhost');
    }
  });

  it.each(['/v1/%00/', '/v1/a%0D%0Ab/', '/%0D%0ALocation:%20x/', '/v1/notes/%0A/', '/%E0%A4/'])(
    'answers %s without a 5xx, keeping control characters encoded in Location',
    async (path) => {
      const app = makeApp();
      const response = await call(app, 'GET', path);
      expect(response.status).toBeLessThan(500);
      const location = response.headers.get('Location');
      if (location !== null) {
        expect([...location].every((char) => (char.codePointAt(0) as number) >= 0x20)).toBe(true);
      }
    },
  );
});

describe('unknown records', () => {
  it.each(['GET', 'PATCH', 'DELETE'])(
    'answers 404 errno 110 with the id and resource on %s',
    async (method) => {
      const app = makeApp();
      const response = await call(
        app,
        method,
        '/v1/articles/missing',
        method === 'PATCH' ? { body: { data: {} } } : {},
      );
      expect(response.status).toBe(404);
      expect(isEnvelope(response)).toBe(true);
      expect(response.body.errno).toBe(110);
      expect(response.body.details).toEqual({ id: 'missing', resource_name: 'articles' });
    },
  );
});

describe('methods not allowed', () => {
  it.each([
    ['PUT', '/v1/articles'],
    ['PATCH', '/v1/articles'],
    ['POST', '/v1/articles/some-id'],
  ])('answers 405 errno 115 for %s %s', async (method, path) => {
    const app = makeApp();
    const response = await call(app, method, path, { body: { data: article() } });
    expect(response.status).toBe(405);
    expect(isEnvelope(response)).toBe(true);
    expect(response.body.errno).toBe(115);
  });
});

describe('invalid record ids', () => {
  it.each([
    'bad%20id',
    'a.b',
    'a%2Fb',
    '%E2%9C%93',
    '-dash-first',
    'x'.repeat(129),
    '%zz',
    '%00',
    'a%3Bb',
  ])('answers 400 errno 107 on GET, PUT, PATCH and DELETE for the id %s', async (id) => {
    const app = makeApp();
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE']) {
      const options = method === 'PUT' || method === 'PATCH' ? { body: { data: article() } } : {};
      const response = await call(app, method, `/v1/articles/${id}`, options);
      expect(response.status).toBe(400);
      expect(isEnvelope(response)).toBe(true);
      expect(response.body.errno).toBe(107);
      expect(response.body.details[0]).toMatchObject({ location: 'path', name: 'id' });
    }
  });
});

describe('content negotiation', () => {
  it('answers 406 with the envelope when Accept excludes JSON', async () => {
    const app = makeApp();
    const response = await call(app, 'GET', '/v1/articles', { headers: { Accept: 'text/html' } });
    expect(response.status).toBe(406);
    expect(isEnvelope(response)).toBe(true);
    expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
  });

  it('answers 406 when JSON is refused with q=0', async () => {
    const app = makeApp();
    const response = await call(app, 'GET', '/v1/articles', {
      headers: { Accept: 'application/json;q=0, text/html' },
    });
    expect(response.status).toBe(406);
  });

  it.each([
    'application/json',
    '*/*',
    'application/*',
    'text/html, */*;q=0.1',
    'application/vnd.api+json',
    '',
  ])('answers 200 with Accept: %s', async (accept) => {
    const app = makeApp();
    const response = await call(app, 'GET', '/v1/articles', { headers: { Accept: accept } });
    expect(response.status).toBe(200);
  });

  it.each(['POST', 'PUT', 'PATCH'])(
    'answers 415 for a text/plain body on %s and stores nothing',
    async (method) => {
      const app = makeApp();
      const record = await createArticle(app);
      const path = method === 'POST' ? '/v1/articles' : `/v1/articles/${record.id}`;
      const response = await call(app, method, path, {
        raw: JSON.stringify({ data: article() }),
        headers: { 'Content-Type': 'text/plain' },
      });
      expect(response.status).toBe(415);
      expect(isEnvelope(response)).toBe(true);
      expect((await call(app, 'GET', '/v1/articles')).body.data).toEqual([record]);
    },
  );

  it('answers 415 for a form-encoded body', async () => {
    const app = makeApp();
    const response = await call(app, 'POST', '/v1/notes', {
      raw: 'data=1',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(415);
  });

  it('accepts application/json with a charset parameter', async () => {
    const app = makeApp();
    const response = await call(app, 'POST', '/v1/articles', {
      raw: JSON.stringify({ data: article() }),
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    });
    expect(response.status).toBe(201);
  });
});

describe('malformed bodies', () => {
  it.each(['{', '{"data": }', 'null x', "{'data': {}}", '\u0000', '{"data":{"a":1}}}'])(
    'answers 400 errno 106 for the malformed JSON %j',
    async (raw) => {
      const app = makeApp();
      const response = await call(app, 'POST', '/v1/notes', {
        raw,
        headers: { 'Content-Type': 'application/json' },
      });
      expect(response.status).toBe(400);
      expect(isEnvelope(response)).toBe(true);
      expect(response.body.errno).toBe(106);
    },
  );

  it('answers 400 errno 106 for malformed JSON on PUT and PATCH', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    for (const method of ['PUT', 'PATCH']) {
      const response = await call(app, method, `/v1/articles/${record.id}`, {
        raw: '{"data": [',
        headers: { 'Content-Type': 'application/json' },
      });
      expect(response.status).toBe(400);
      expect(response.body.errno).toBe(106);
    }
  });
});

describe('JSON limits', () => {
  const nested = (depth: number) => `${'['.repeat(depth - 1)}1${']'.repeat(depth - 1)}`;

  it('stores a record nested 50 levels deep', async () => {
    const app = makeApp();
    const raw = `{"data":{"x":${nested(50)}}}`;
    const response = await call(app, 'POST', '/v1/notes', {
      raw,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(response.status).toBe(201);
  });

  it.each([
    ['a body nested deeper than 100 levels', `{"data":{"x":${nested(150)}}}`],
    ['a body nested 100 000 levels deep', `{"data":{"x":${nested(100_000)}}}`],
    ['a number too large to be finite', '{"data":{"x":1e400}}'],
    ['a negative number too large to be finite', '{"data":{"x":[-1e999]}}'],
  ])('answers 400 errno 109 to %s and stores nothing', async (_label, raw) => {
    const app = makeApp();
    const response = await call(app, 'POST', '/v1/notes', {
      raw,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(isEnvelope(response)).toBe(true);
    expect(response.body.errno).toBe(109);
    expect((await call(app, 'GET', '/v1/notes')).body.data).toEqual([]);
  });

  it.each(['x', 'gt_x', 'in_x', 'contains_any_x', 'not_x'])(
    'reads a deeply nested %s filter value as a string instead of failing',
    async (name) => {
      const app = makeApp();
      await call(app, 'POST', '/v1/notes', { body: { data: { x: [[1]] } } });
      const response = await call(
        app,
        'GET',
        `/v1/notes?${name}=${encodeURIComponent(nested(20_000))}`,
      );
      expect(response.status).toBe(200);
    },
  );

  it('answers 400 errno 107 to a forged page token nested too deeply', async () => {
    const app = makeApp();
    const a = `[${nested(5_000)},1,"x"]`;
    const token = Buffer.from(`{"a":${a},"s":1,"k":"x,-last_modified,id"}`).toString('base64url');
    const response = await call(app, 'GET', `/v1/notes?_sort=x&_token=${token}`);
    expect(response.status).toBe(400);
    expect(response.body.errno).toBe(107);
  });
});

describe('bodies over maxBodyBytes', () => {
  const limit = 1_000;
  const big = JSON.stringify({ data: { text: 'x'.repeat(limit) } });

  it('answers 413 errno 113 when Content-Length exceeds the limit', async () => {
    const app = makeApp({ settings: { maxBodyBytes: limit } });
    const response = await call(app, 'POST', '/v1/notes', {
      raw: big,
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(big.length) },
    });
    expect(response.status).toBe(413);
    expect(isEnvelope(response)).toBe(true);
    expect(response.body.errno).toBe(113);
  });

  it('answers 413 errno 113 for a streamed body without Content-Length', async () => {
    const app = makeApp({ settings: { maxBodyBytes: limit } });
    const bytes = new TextEncoder().encode(big);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 100) controller.enqueue(bytes.slice(i, i + 100));
        controller.close();
      },
    });
    const request = new Request('http://localhost/v1/notes', {
      method: 'POST',
      body,
      headers: { Authorization: ALICE, 'Content-Type': 'application/json' },
      duplex: 'half',
    } as RequestInit);
    expect(request.headers.get('Content-Length')).toBeNull();
    const response = await app.request(request);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { errno: number }).errno).toBe(113);
  });

  it('answers 413 when the body is larger than its declared Content-Length', async () => {
    const app = makeApp({ settings: { maxBodyBytes: limit } });
    const response = await call(app, 'POST', '/v1/notes', {
      raw: big,
      headers: { 'Content-Type': 'application/json', 'Content-Length': '10' },
    });
    expect(response.status).toBe(413);
  });

  it('accepts a body of exactly the limit', async () => {
    const app = makeApp({ settings: { maxBodyBytes: limit } });
    const prefix = '{"data":{"text":"';
    const suffix = '"}}';
    const raw = prefix + 'x'.repeat(limit - prefix.length - suffix.length) + suffix;
    expect(raw.length).toBe(limit);
    const response = await call(app, 'POST', '/v1/notes', {
      raw,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(response.status).toBe(201);
  });

  it('counts bytes, not characters', async () => {
    const app = makeApp({ settings: { maxBodyBytes: limit } });
    const raw = JSON.stringify({ data: { text: 'é'.repeat(600) } });
    expect(raw.length).toBeLessThan(limit);
    const response = await call(app, 'POST', '/v1/notes', {
      raw,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(response.status).toBe(413);
  });
});

describe('unexpected failures', () => {
  function failingApp(error: unknown) {
    const logged: unknown[] = [];
    const boom = defineResource({
      name: 'boom',
      hooks: {
        beforeCreate: () => {
          throw error;
        },
      },
    });
    const app = appServing([boom], { logError: (thrown) => logged.push(thrown) });
    return { app, logged };
  }

  it('answers 500 errno 999 with Retry-After, logs the error and never shows it', async () => {
    const { app, logged } = failingApp(new Error('secret database password leaked'));
    const response = await call(app, 'POST', '/v1/boom', { body: { data: {} } });
    expect(response.status).toBe(500);
    expect(isEnvelope(response)).toBe(true);
    expect(response.body.errno).toBe(999);
    expect(response.headers.get('Retry-After')).toMatch(/^\d+$/);
    expect(response.text).not.toContain('secret');
    expect(logged).toHaveLength(1);
  });

  it('answers with the HttpError a hook throws to refuse a write', async () => {
    const { app, logged } = failingApp(
      new HttpError({ code: 403, errno: 121, message: 'Not today' }),
    );
    const response = await call(app, 'POST', '/v1/boom', { body: { data: {} } });
    expect(response.status).toBe(403);
    expect(response.body).toEqual({
      code: 403,
      errno: 121,
      error: 'Forbidden',
      message: 'Not today',
    });
    expect(logged).toEqual([]);
    const list = await call(app, 'GET', '/v1/boom');
    expect(list.body.data).toEqual([]);
  });
});
