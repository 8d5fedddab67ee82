import { describe, expect, it } from 'vitest';
import {
  apiKeyAuth,
  basicAuth,
  bearerAuth,
  type CacheBackend,
  createApp,
  defineResource,
  memoryCache,
  memoryStorage,
} from '../src/index.js';
import { ALICE, basicUserId, call } from './helpers.js';

function appWith(auth: Parameters<typeof createApp>[0]['auth'], cache?: CacheBackend) {
  return createApp({
    project: { name: 't', version: '1' },
    httpApiVersion: '1.0',
    resources: [defineResource({ name: 'checks' })],
    auth,
    backends: cache ? { storage: memoryStorage(), cache } : undefined,
  });
}

describe('API key policy', () => {
  const keys = apiKeyAuth({
    keys: [
      { key: 'rw-key-123', principal: 'project:1' },
      { key: 'ro-key-456', principal: 'project:1', access: 'read' },
      { key: 'other-789', principal: 'project:2' },
    ],
  });

  it('maps a key to its principal; the read-write and read-only keys share one collection', async () => {
    const app = appWith([keys]);
    const created = await call(app, 'POST', '/v1/checks', {
      auth: null,
      headers: { 'X-Api-Key': 'rw-key-123' },
      body: { data: { name: 'backup' } },
    });
    expect(created.status).toBe(201);
    const read = await call(app, 'GET', '/v1/checks', {
      auth: null,
      headers: { 'X-Api-Key': 'ro-key-456' },
    });
    expect(read.body.data.map((c: { name: string }) => c.name)).toEqual(['backup']);
    const hello = await call(app, 'GET', '/v1/', {
      auth: null,
      headers: { 'X-Api-Key': 'rw-key-123' },
    });
    expect(hello.body.user.id).toBe('apikey:project:1');
  });

  it('refuses writes with a read-only key: 403 errno 121', async () => {
    const app = appWith([keys]);
    const response = await call(app, 'POST', '/v1/checks', {
      auth: null,
      headers: { 'X-Api-Key': 'ro-key-456' },
      body: { data: { name: 'x' } },
    });
    expect(response.status).toBe(403);
    expect(response.body.errno).toBe(121);
  });

  it('answers 401 errno 105 for an unknown or empty key', async () => {
    const app = appWith([keys]);
    for (const key of ['nope', '', 'rw-key-12', 'rw-key-1234']) {
      const response = await call(app, 'GET', '/v1/checks', {
        auth: null,
        headers: { 'X-Api-Key': key },
      });
      expect(response.status, key).toBe(401);
      expect(response.body.errno).toBe(105);
    }
  });

  it('keeps projects apart', async () => {
    const app = appWith([keys]);
    await call(app, 'POST', '/v1/checks', {
      auth: null,
      headers: { 'X-Api-Key': 'rw-key-123' },
      body: { data: {} },
    });
    const other = await call(app, 'GET', '/v1/checks', {
      auth: null,
      headers: { 'X-Api-Key': 'other-789' },
    });
    expect(other.body.data).toEqual([]);
  });

  it('looks keys up through a function', async () => {
    const lookup = apiKeyAuth({
      keys: async (key) => (key === 'dynamic' ? { key, principal: 'p:9' } : null),
    });
    const app = appWith([lookup]);
    expect(
      (await call(app, 'GET', '/v1/', { auth: null, headers: { 'X-Api-Key': 'dynamic' } })).body
        .user.id,
    ).toBe('apikey:p:9');
  });
});

describe('bearer policy', () => {
  const bearer = bearerAuth({
    prefix: 'fxa',
    verify: async (token) =>
      token === 'good-token' ? { userId: 'u42', principals: ['group:staff'] } : null,
  });

  it('turns a verified token into a prefixed user with its principals', async () => {
    const app = appWith([bearer]);
    const hello = await call(app, 'GET', '/v1/', { auth: 'Bearer good-token' });
    expect(hello.body.user.id).toBe('fxa:u42');
    expect(hello.body.user.principals).toContain('group:staff');
  });

  it('answers 401 with a Bearer challenge for a bad token', async () => {
    const app = appWith([bearer]);
    const response = await call(app, 'GET', '/v1/checks', { auth: 'Bearer forged' });
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toMatch(/^Bearer realm="Pawl"/);
  });

  it('tries policies in order and names every challenge when nobody is recognised', async () => {
    const app = appWith([bearer, basicAuth({ secret: 's' })]);
    expect((await call(app, 'GET', '/v1/', { auth: 'Bearer good-token' })).body.user.id).toBe(
      'fxa:u42',
    );
    expect((await call(app, 'GET', '/v1/', { auth: ALICE })).body.user.id).toMatch(/^basicauth:/);
    const anonymous = await call(app, 'GET', '/v1/checks', { auth: null });
    expect(anonymous.headers.get('WWW-Authenticate')).toBe(
      'Bearer realm="Pawl", Basic realm="Pawl"',
    );
  });
});

describe('Basic policy and the cache', () => {
  it('caches user ids under a digest, never the credentials', async () => {
    const stored = new Map<string, unknown>();
    const inner = memoryCache();
    const cache: CacheBackend = {
      ...inner,
      set: async (key, value, ttl) => {
        stored.set(key, value);
        await inner.set(key, value, ttl);
      },
    };
    const app = createApp({
      project: { name: 't', version: '1' },
      httpApiVersion: '1.0',
      resources: [],
      userIdHmacSecret: 'test-hmac-secret',
      backends: { storage: memoryStorage(), cache },
    });
    const hello = await call(app, 'GET', '/v1/', { auth: ALICE });
    expect(hello.body.user.id).toBe(basicUserId('alice'));
    expect([...stored.values()]).toEqual([basicUserId('alice')]);
    const text = JSON.stringify([...stored.keys()]);
    expect(text).not.toContain(ALICE.slice(6));
    expect(text).not.toContain('alice');
  });
});
