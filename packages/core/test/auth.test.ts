import { describe, expect, it } from 'vitest';
import {
  ALICE,
  article,
  BOB,
  basic,
  basicUserId,
  call,
  createArticle,
  etagOf,
  ids,
  isEnvelope,
  makeApp,
} from './helpers.js';

const ENDPOINTS: Array<[string, string]> = [
  ['GET', '/v1/articles'],
  ['HEAD', '/v1/articles'],
  ['POST', '/v1/articles'],
  ['GET', '/v1/articles/some-id'],
  ['HEAD', '/v1/articles/some-id'],
  ['PUT', '/v1/articles/some-id'],
  ['PATCH', '/v1/articles/some-id'],
  ['DELETE', '/v1/articles/some-id'],
];

describe('authentication', () => {
  it.each(ENDPOINTS)(
    'answers 401 errno 104 with WWW-Authenticate to %s %s without credentials',
    async (method, path) => {
      const app = makeApp();
      const options = ['POST', 'PUT', 'PATCH'].includes(method)
        ? { body: { data: article() } }
        : {};
      const response = await call(app, method, path, { ...options, auth: null });
      expect(response.status).toBe(401);
      expect(response.headers.get('WWW-Authenticate')).toMatch(/^Basic realm="[^"]*"/);
      if (method !== 'HEAD') {
        expect(isEnvelope(response)).toBe(true);
        expect(response.body.errno).toBe(104);
      }
    },
  );

  it('stores nothing for an unauthenticated write', async () => {
    const app = makeApp();
    await call(app, 'PUT', '/v1/articles/some-id', { body: { data: article() }, auth: null });
    expect((await call(app, 'GET', '/v1/articles/some-id')).status).toBe(404);
  });

  it.each(['Bearer abc', 'Digest x', 'Basic', 'basic'])(
    'answers 401 errno 104 to an Authorization header no policy understands: %s',
    async (header) => {
      const app = makeApp();
      const response = await call(app, 'GET', '/v1/articles', { auth: header });
      expect(response.status).toBe(401);
      expect(response.body.errno).toBe(104);
      expect(response.headers.get('WWW-Authenticate')).not.toBeNull();
    },
  );

  it.each([
    'Basic !!!',
    'Basic bm9jb2xvbg==',
    `Basic ${Buffer.from(':nouser').toString('base64')}`,
    'Basic a b c',
  ])('answers 401 with WWW-Authenticate to malformed Basic credentials: %s', async (header) => {
    const app = makeApp();
    const response = await call(app, 'GET', '/v1/articles', { auth: header });
    expect(response.status).toBe(401);
    expect(isEnvelope(response)).toBe(true);
    expect([104, 105]).toContain(response.body.errno);
    expect(response.headers.get('WWW-Authenticate')).not.toBeNull();
  });

  it('accepts any user:password pair, including an empty password', async () => {
    const app = makeApp();
    const response = await call(app, 'GET', '/v1/articles', {
      auth: `Basic ${Buffer.from('mat:').toString('base64')}`,
    });
    expect(response.status).toBe(200);
  });

  it('accepts the Basic scheme name in any case', async () => {
    const app = makeApp();
    await createArticle(app);
    const encoded = Buffer.from('alice:secret').toString('base64');
    const response = await call(app, 'GET', '/v1/articles', { auth: `bAsIc ${encoded}` });
    expect(response.status).toBe(200);
    expect(response.body.data).toHaveLength(1);
  });
});

describe('user ids', () => {
  it("shows 'basicauth:' + hex HMAC-SHA256(secret, 'user:password') as user.id in GET /v1/", async () => {
    const app = makeApp();
    const response = await call(app, 'GET', '/v1/');
    expect(response.status).toBe(200);
    expect(response.body.user.id).toBe(basicUserId('alice'));
    expect(response.body.user.id).toMatch(/^basicauth:[0-9a-f]{64}$/);
    expect(response.body.user.principals).toEqual(
      expect.arrayContaining([basicUserId('alice'), 'system.Authenticated', 'system.Everyone']),
    );
  });

  it('leaves user out of GET /v1/ without credentials', async () => {
    const app = makeApp();
    const response = await call(app, 'GET', '/v1/', { auth: null });
    expect(response.status).toBe(200);
    expect(response.body).not.toHaveProperty('user');
  });

  it('hashes passwords containing colons and non-ASCII characters as given', async () => {
    const app = makeApp();
    for (const [user, password] of [
      ['alice', 'pa:ss:word'],
      ['émile', 'pässwörd ✓'],
    ] as const) {
      const response = await call(app, 'GET', '/v1/', { auth: basic(user, password) });
      expect(response.body.user.id).toBe(basicUserId(user, password));
    }
  });

  it('gives the same user to the same credentials and a different user to another password', async () => {
    const app = makeApp();
    const record = await createArticle(app);
    const again = await call(app, 'GET', `/v1/articles/${record.id}`, { auth: basic('alice') });
    expect(again.status).toBe(200);
    const otherPassword = await call(app, 'GET', `/v1/articles/${record.id}`, {
      auth: basic('alice', 'other'),
    });
    expect(otherPassword.status).toBe(404);
  });

  it('never gives two different credentials the same user, even when they are not valid UTF-8', async () => {
    const app = makeApp();
    const first = `Basic ${Buffer.from([0xff, 0x3a, 0x70]).toString('base64')}`;
    const second = `Basic ${Buffer.from([0xfe, 0x3a, 0x70]).toString('base64')}`;
    const a = await call(app, 'GET', '/v1/', { auth: first });
    const b = await call(app, 'GET', '/v1/', { auth: second });
    if (a.status === 200 && b.status === 200) {
      expect(a.body.user.id).not.toBe(b.body.user.id);
    } else {
      expect(a.status).toBe(401);
      expect(b.status).toBe(401);
    }
  });
  it('gives credentials starting with a byte order mark a user of their own', async () => {
    const app = makeApp();
    const plain = await call(app, 'GET', '/v1/', { auth: basic('alice') });
    const withBom = await call(app, 'GET', '/v1/', { auth: basic('\uFEFFalice') });
    expect(withBom.body.user.id).toBe(basicUserId('\uFEFFalice'));
    expect(withBom.body.user.id).not.toBe(plain.body.user.id);
  });
});

describe('isolation between users', () => {
  it("never lists another user's records, nor counts them", async () => {
    const app = makeApp();
    await createArticle(app, {}, ALICE);
    const bobs = await createArticle(app, {}, BOB);
    const response = await call(app, 'GET', '/v1/articles', { auth: BOB });
    expect(ids(response)).toEqual([bobs.id]);
    expect(response.headers.get('Total-Records')).toBe('1');
    const head = await call(app, 'HEAD', '/v1/articles', { auth: BOB });
    expect(head.headers.get('Total-Records')).toBe('1');
  });

  it("answers 404 to GET, PATCH and DELETE of another user's record", async () => {
    const app = makeApp();
    const record = await createArticle(app, {}, ALICE);
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      const options = method === 'PATCH' ? { body: { data: { title: 'stolen' } } } : {};
      const response = await call(app, method, `/v1/articles/${record.id}`, {
        ...options,
        auth: BOB,
      });
      expect(response.status).toBe(404);
      expect(response.body.errno).toBe(110);
    }
    expect((await call(app, 'GET', `/v1/articles/${record.id}`)).body.data).toEqual(record);
  });

  it("creates a record of one's own when PUTting the id of another user's record", async () => {
    const app = makeApp();
    const record = await createArticle(app, {}, ALICE);
    const response = await call(app, 'PUT', `/v1/articles/${record.id}`, {
      body: { data: article() },
      auth: BOB,
    });
    expect(response.status).toBe(201);
    expect((await call(app, 'GET', `/v1/articles/${record.id}`)).body.data).toEqual(record);
  });

  it("creates a record of one's own when POSTing the id of another user's record", async () => {
    const app = makeApp();
    const record = await createArticle(app, {}, ALICE);
    const response = await call(app, 'POST', '/v1/articles', {
      body: { data: article({ id: record.id }) },
      auth: BOB,
    });
    expect(response.status).toBe(201);
    expect(response.body.data).not.toEqual(record);
  });

  it("never shows another user's tombstones in _since polls", async () => {
    const app = makeApp();
    const record = await createArticle(app, {}, ALICE);
    await call(app, 'DELETE', `/v1/articles/${record.id}`);
    const response = await call(app, 'GET', '/v1/articles?_since=0', { auth: BOB });
    expect(response.body.data).toEqual([]);
  });

  it("never reveals another user's record in 412 details", async () => {
    const app = makeApp();
    // A timestamp of its own: Bob's answers carry timestamps of now, which may fall on the
    // same millisecond as Alice's record.
    const record = await createArticle(app, { last_modified: 1_600_000_000_000 }, ALICE);
    expect(record.last_modified).toBe(1_600_000_000_000);
    for (const method of ['PUT', 'PATCH', 'DELETE', 'GET']) {
      const options = method === 'PUT' || method === 'PATCH' ? { body: { data: article() } } : {};
      const preconditions: Array<Record<string, string>> = [
        { 'If-Match': `"${record.last_modified}"` },
        { 'If-Match': '*' },
        { 'If-None-Match': '*' },
      ];
      for (const headers of preconditions) {
        const response = await call(app, method, `/v1/articles/${record.id}`, {
          ...options,
          headers,
          auth: BOB,
        });
        expect(response.text).not.toContain(record.url);
        expect(response.text).not.toContain(String(record.last_modified));
      }
    }
  });

  it("never reveals another user's record in 409 details", async () => {
    const app = makeApp();
    const record = await createArticle(app, {}, ALICE);
    const response = await call(app, 'POST', '/v1/articles', {
      body: { data: article({ url: record.url }) },
      auth: BOB,
    });
    expect(response.status).toBe(201);
  });

  it("keeps each user's collection timestamp apart", async () => {
    const app = makeApp();
    await createArticle(app, {}, BOB);
    const before = await call(app, 'GET', '/v1/articles', { auth: BOB });
    await createArticle(app, {}, ALICE);
    const after = await call(app, 'GET', '/v1/articles', {
      auth: BOB,
      headers: { 'If-None-Match': before.headers.get('ETag') as string },
    });
    expect(after.status).toBe(304);
    expect(etagOf(before)).toBe(Number(JSON.parse(after.headers.get('ETag') as string)));
  });

  it("never deletes another user's records with a collection DELETE", async () => {
    const app = makeApp({ allowCollectionDelete: true });
    const record = await createArticle(app, {}, ALICE);
    await createArticle(app, {}, BOB);
    const response = await call(app, 'DELETE', '/v1/articles', { auth: BOB });
    expect(response.body.data).toHaveLength(1);
    expect((await call(app, 'GET', '/v1/articles')).body.data).toEqual([record]);
  });
});
