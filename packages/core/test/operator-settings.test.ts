import { describe, expect, it } from 'vitest';
import { createApp, DEFAULT_SETTINGS, defineResource, settingsFromEnv } from '../src/index.js';
import { article, call, createArticle, makeApp, SECRET } from './helpers.js';

describe('readonly mode', () => {
  it('refuses every write with 405 errno 115 and still serves reads', async () => {
    const writable = makeApp();
    const app = makeApp({ settings: { readonly: true } });
    for (const [method, path] of [
      ['POST', '/v1/articles'],
      ['PUT', '/v1/articles/abc'],
      ['PATCH', '/v1/articles/abc'],
      ['DELETE', '/v1/articles/abc'],
      ['DELETE', '/v1/articles'],
    ] as const) {
      const { status, body } = await call(app, method, path, { body: { data: article() } });
      expect(status, `${method} ${path}`).toBe(405);
      expect(body.errno).toBe(115);
    }
    expect((await call(app, 'GET', '/v1/articles')).status).toBe(200);
    expect((await call(app, 'GET', '/v1/')).body.settings.readonly).toBe(true);
    expect((await call(writable, 'GET', '/v1/')).body.settings.readonly).toBe(false);
  });

  it('lets a batch read while refusing its writes one by one', async () => {
    const app = makeApp({ settings: { readonly: true } });
    const { status, body } = await call(app, 'POST', '/v1/batch', {
      body: {
        requests: [
          { path: '/articles' },
          { method: 'POST', path: '/articles', body: { data: article() } },
        ],
      },
    });
    expect(status).toBe(200);
    expect(body.responses.map((r: { status: number }) => r.status)).toEqual([200, 405]);
  });
});

describe('Backoff', () => {
  it('adds a Backoff header to successful responses only', async () => {
    const app = makeApp({ settings: { backoff: 60 } });
    const ok = await call(app, 'GET', '/v1/articles');
    expect(ok.headers.get('Backoff')).toBe('60');
    const failed = await call(app, 'GET', '/v1/articles/missing');
    expect(failed.status).toBe(404);
    expect(failed.headers.get('Backoff')).toBeNull();
    expect((await call(makeApp(), 'GET', '/v1/articles')).headers.get('Backoff')).toBeNull();
  });
});

describe('end of support', () => {
  it('sends a soft-eol Alert header before the date', async () => {
    const app = makeApp({
      settings: {
        eos: '2999-12-31',
        eosMessage: 'Upgrade soon',
        eosUrl: 'https://example.com/eos',
      },
    });
    const { status, headers } = await call(app, 'GET', '/v1/articles');
    expect(status).toBe(200);
    expect(JSON.parse(headers.get('Alert') ?? '{}')).toEqual({
      code: 'soft-eol',
      message: 'Upgrade soon',
      url: 'https://example.com/eos',
    });
  });

  it('answers 410 errno 202 with a hard-eol Alert from the date on', async () => {
    const app = makeApp({ settings: { eos: '2000-01-01', eosMessage: 'Gone for good' } });
    const { status, body, headers } = await call(app, 'GET', '/v1/articles');
    expect(status).toBe(410);
    expect(body).toMatchObject({ code: 410, errno: 202, message: 'Gone for good' });
    expect(JSON.parse(headers.get('Alert') ?? '{}').code).toBe('hard-eol');
  });
});

describe('limits and CORS settings', () => {
  it('caps pages at maxPageSize', async () => {
    const app = makeApp({ settings: { maxPageSize: 2 } });
    for (let i = 0; i < 3; i += 1) await createArticle(app);
    const { body, headers } = await call(app, 'GET', '/v1/articles?_limit=100');
    expect(body.data).toHaveLength(2);
    expect(headers.get('Next-Page')).toContain('_limit=2');
  });

  it('answers 413 errno 113 beyond maxBodyBytes', async () => {
    const app = makeApp({ settings: { maxBodyBytes: 100 } });
    const { status, body } = await call(app, 'POST', '/v1/notes', {
      body: { data: { text: 'x'.repeat(200) } },
    });
    expect(status).toBe(413);
    expect(body.errno).toBe(113);
  });

  it('allows only the configured origins', async () => {
    const app = makeApp({ settings: { corsOrigins: ['https://app.example.com'] } });
    const allowed = await call(app, 'GET', '/v1/articles', {
      headers: { Origin: 'https://app.example.com' },
    });
    expect(allowed.headers.get('Access-Control-Allow-Origin')).toBe('https://app.example.com');
    const other = await call(app, 'GET', '/v1/articles', {
      headers: { Origin: 'https://evil.example.com' },
    });
    expect(other.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('adds Retry-After with the configured delay on 5xx, not on success', async () => {
    const broken = defineResource({
      name: 'notes',
      hooks: {
        beforeCreate: () => {
          throw new Error('boom');
        },
      },
    });
    const app = createApp({
      project: { name: 't', version: '1' },
      httpApiVersion: '1.0',
      resources: [broken],
      userIdHmacSecret: SECRET,
      settings: { retryAfterSeconds: 7 },
      logError: () => {},
    });
    const failed = await call(app, 'POST', '/v1/notes', { body: { data: {} } });
    expect(failed.status).toBe(500);
    expect(failed.body).toMatchObject({ code: 500, errno: 999 });
    expect(failed.body.message).not.toContain('boom');
    expect(failed.headers.get('Retry-After')).toBe('7');
    expect((await call(app, 'GET', '/v1/notes')).headers.get('Retry-After')).toBeNull();
  });
});

describe('settingsFromEnv', () => {
  it('reads every setting from PAWL_* variables', () => {
    const settings = settingsFromEnv({
      PAWL_MAX_PAGE_SIZE: '50',
      PAWL_READONLY: 'true',
      PAWL_BACKOFF: '30',
      PAWL_CORS_ORIGINS: 'https://a.example, https://b.example',
      PAWL_EOS: '2030-01-01',
      PAWL_TRUST_PROXY: 'no',
      PAWL_BATCH_MAX_REQUESTS: '10',
      OTHER: 'ignored',
    });
    expect(settings).toEqual({
      maxPageSize: 50,
      readonly: true,
      backoff: 30,
      corsOrigins: ['https://a.example', 'https://b.example'],
      eos: '2030-01-01',
      trustProxy: false,
      batchMaxRequests: 10,
    });
  });

  it('has a variable for every setting', () => {
    const env = Object.fromEntries(
      Object.keys(DEFAULT_SETTINGS).map((key) => [
        `X_${key.replace(/[A-Z]/g, (l) => `_${l}`).toUpperCase()}`,
        '1',
      ]),
    );
    expect(Object.keys(settingsFromEnv(env, 'X_')).sort()).toEqual(
      Object.keys(DEFAULT_SETTINGS).sort(),
    );
  });

  it('names the variable whose value does not parse', () => {
    expect(() => settingsFromEnv({ PAWL_READONLY: 'maybe' })).toThrow(/PAWL_READONLY/);
    expect(() => settingsFromEnv({ PAWL_MAX_PAGE_SIZE: '-3' })).toThrow(/PAWL_MAX_PAGE_SIZE/);
  });

  it('applies from the environment to an app', async () => {
    const app = makeApp({ settings: settingsFromEnv({ PAWL_READONLY: '1' }) });
    expect((await call(app, 'POST', '/v1/notes', { body: { data: {} } })).status).toBe(405);
  });
});
