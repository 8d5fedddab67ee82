import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import {
  BackendError,
  createApp,
  defineResource,
  memoryCache,
  memoryStorage,
} from '../src/index.js';
import { ALICE, basicUserId, call, makeApp, SECRET } from './helpers.js';

describe('GET / (hello)', () => {
  it('describes the service without a user when anonymous', async () => {
    const { status, body } = await call(makeApp(), 'GET', '/v1/', { auth: null });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      project_name: 'test',
      project_version: '0.0.1',
      http_api_version: '1.0',
      url: 'http://localhost/v1',
      settings: { batch_max_requests: 25, readonly: false },
      capabilities: {},
    });
    expect(body).not.toHaveProperty('user');
  });

  it('answers on /v1 as well as /v1/', async () => {
    expect((await call(makeApp(), 'GET', '/v1', { auth: null })).body.project_name).toBe('test');
  });

  it('shows the authenticated user and their principals', async () => {
    const { body } = await call(makeApp(), 'GET', '/v1/', { auth: ALICE });
    expect(body.user.id).toBe(basicUserId('alice'));
    expect(body.user.principals).toEqual([
      basicUserId('alice'),
      'system.Authenticated',
      'system.Everyone',
    ]);
  });

  it('uses the public URL setting for url', async () => {
    const app = makeApp({ settings: { publicUrl: 'https://api.example.com/' } });
    expect((await call(app, 'GET', '/v1/')).body.url).toBe('https://api.example.com/v1');
  });

  it('follows X-Forwarded-* only when the proxy is trusted', async () => {
    const headers = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'public.example.org' };
    const trusted = makeApp({ settings: { trustProxy: true } });
    expect((await call(trusted, 'GET', '/v1/', { headers })).body.url).toBe(
      'https://public.example.org/v1',
    );
    expect((await call(makeApp(), 'GET', '/v1/', { headers })).body.url).toBe(
      'http://localhost/v1',
    );
  });

  it('keeps the mount path in url when mounted in another app', async () => {
    const parent = new Hono();
    parent.route('/api', makeApp());
    expect((await call(parent, 'GET', '/api/v1/')).body.url).toBe('http://localhost/api/v1');
  });

  it('lists declared capabilities and the end-of-support date', async () => {
    const app = createApp({
      project: { name: 'caps', version: '1' },
      httpApiVersion: '1.2',
      resources: [],
      userIdHmacSecret: SECRET,
      capabilities: {
        history: { description: 'Track changes', url: 'https://example.com/history' },
      },
      settings: { eos: '2999-01-01' },
    });
    const { body } = await call(app, 'GET', '/v1/');
    expect(body.capabilities.history.description).toBe('Track changes');
    expect(body.eos).toBe('2999-01-01');
  });
});

describe('heartbeats and version', () => {
  it('answers 200 with each backend true when all are well', async () => {
    const { status, body } = await call(makeApp(), 'GET', '/v1/__heartbeat__', { auth: null });
    expect(status).toBe(200);
    expect(body).toEqual({ storage: true, permission: true, cache: true });
  });

  it('answers 503 naming the failing backend', async () => {
    const storage = { ...memoryStorage(), heartbeat: async () => false };
    const app = createApp({
      project: { name: 't', version: '1' },
      httpApiVersion: '1.0',
      resources: [defineResource({ name: 'notes' })],
      backends: { storage },
      userIdHmacSecret: SECRET,
    });
    const { status, body, headers } = await call(app, 'GET', '/v1/__heartbeat__');
    expect(status).toBe(503);
    expect(body).toEqual({ storage: false, permission: true, cache: true });
    expect(headers.get('Retry-After')).toBe('30');
  });

  it('answers 503 when a backend check throws', async () => {
    const throwing = {
      ...memoryStorage(),
      heartbeat: async (): Promise<boolean> => Promise.reject(new Error('down')),
    };
    const app = createApp({
      project: { name: 't', version: '1' },
      httpApiVersion: '1.0',
      resources: [],
      backends: { storage: throwing },
      userIdHmacSecret: SECRET,
    });
    expect((await call(app, 'GET', '/v1/__heartbeat__')).status).toBe(503);
  });

  it('answers 503 when a backend check outlasts the timeout, checking backends concurrently', async () => {
    const hanging = { ...memoryStorage(), heartbeat: () => new Promise<boolean>(() => {}) };
    const app = createApp({
      project: { name: 't', version: '1' },
      httpApiVersion: '1.0',
      resources: [],
      backends: { storage: hanging },
      userIdHmacSecret: SECRET,
      settings: { heartbeatTimeoutMs: 50 },
    });
    const { status, body } = await call(app, 'GET', '/v1/__heartbeat__');
    expect(status).toBe(503);
    expect(body).toEqual({ storage: false, permission: true, cache: true });
  });

  it('reports a failing cache as well', async () => {
    const cache = { ...memoryCache(), heartbeat: async () => false };
    const app = createApp({
      project: { name: 't', version: '1' },
      httpApiVersion: '1.0',
      resources: [],
      backends: { storage: memoryStorage(), cache },
      userIdHmacSecret: SECRET,
    });
    const { status, body } = await call(app, 'GET', '/v1/__heartbeat__');
    expect(status).toBe(503);
    expect(body).toEqual({ storage: true, permission: true, cache: false });
  });

  it('answers the load-balancer heartbeat with 200 and an empty object', async () => {
    const { status, body } = await call(makeApp(), 'GET', '/v1/__lbheartbeat__', { auth: null });
    expect(status).toBe(200);
    expect(body).toEqual({});
  });

  it('serves version.json, and 404 without one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pawl-version-'));
    const file = join(dir, 'version.json');
    writeFileSync(
      file,
      JSON.stringify({ version: '1.2.3', commit: 'abc', source: 'https://example.com' }),
    );
    const app = makeApp({ settings: { versionFile: file } });
    expect((await call(app, 'GET', '/v1/__version__')).body).toEqual({
      version: '1.2.3',
      commit: 'abc',
      source: 'https://example.com',
    });
    const missing = makeApp({ settings: { versionFile: join(dir, 'nope.json') } });
    const { status, body } = await call(missing, 'GET', '/v1/__version__');
    expect(status).toBe(404);
    expect(body.errno).toBe(111);
  });
});

describe('version prefix and trailing slashes', () => {
  it('redirects paths without the version prefix under it, keeping the query', async () => {
    const response = await makeApp().request('/articles?_limit=2');
    expect(response.status).toBe(307);
    expect(response.headers.get('Location')).toBe('/v1/articles?_limit=2');
  });

  it('redirects the root to the hello endpoint', async () => {
    const response = await makeApp().request('/');
    expect(response.status).toBe(307);
    expect(response.headers.get('Location')).toBe('/v1/');
  });

  it('answers 404 errno 116 for another major version', async () => {
    const { status, body } = await call(makeApp(), 'GET', '/v2/articles');
    expect(status).toBe(404);
    expect(body).toMatchObject({ code: 404, errno: 116 });
  });

  it('redirects a trailing slash to the path without it', async () => {
    const response = await makeApp().request('/v1/articles/?unread=true');
    expect(response.status).toBe(307);
    expect(response.headers.get('Location')).toBe('/v1/articles?unread=true');
  });

  it('answers 404 errno 111 for unknown paths under the prefix', async () => {
    const { status, body } = await call(makeApp(), 'GET', '/v1/nope');
    expect(status).toBe(404);
    expect(body).toMatchObject({ errno: 111 });
  });

  it('redirects within the mount path when mounted', async () => {
    const parent = new Hono();
    parent.route('/api', makeApp());
    const response = await parent.request('/api/articles');
    expect(response.headers.get('Location')).toBe('/api/v1/articles');
  });
});

describe('backend failures', () => {
  it('answers 503 errno 201 with Retry-After when storage throws a BackendError', async () => {
    const storage = {
      ...memoryStorage(),
      timestamp: async (): Promise<number> => {
        throw new BackendError('connection refused');
      },
    };
    const { status, body, headers } = await call(makeApp({ storage }), 'GET', '/v1/notes');
    expect(status).toBe(503);
    expect(body).toMatchObject({ code: 503, errno: 201 });
    expect(body.message).not.toContain('connection refused');
    expect(headers.get('Retry-After')).toBe('30');
  });

  it('answers 503 when both the page and its count fail, leaving no failure unhandled', async () => {
    const down = async (): Promise<never> => {
      throw new BackendError('connection refused');
    };
    const app = makeApp({ storage: { ...memoryStorage(), list: down, count: down } });
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      const response = await call(app, 'GET', '/v1/notes?_limit=5');
      expect(response.status).toBe(503);
      expect(response.body.errno).toBe(201);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
    }
  });
});
