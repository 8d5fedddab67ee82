/**
 * Property-based fuzzing of every endpoint: random query strings, headers, bodies and paths.
 * Whatever arrives, the app never answers 5xx, every error is the JSON envelope, and data
 * stored before the run is intact: Bob's records (the fuzzer never authenticates as Bob) and
 * Alice's record (the fuzzer only reads as Alice; it writes as Carol or random users).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ALICE,
  BOB,
  basic,
  type CallResult,
  call,
  createArticle,
  createNote,
  isEnvelope,
  type Json,
  makeApp,
} from './helpers.js';

const CAROL = basic('carol');

const RUNS = { numRuns: 200 };
const app = makeApp({ allowCollectionDelete: true, settings: { maxBodyBytes: 64 * 1024 } });

let bobArticle: Json;
let bobNote: Json;
let aliceArticle: Json;

beforeAll(async () => {
  bobArticle = await createArticle(app, { tags: ['keep'], author: { name: 'Bob' } }, BOB);
  bobNote = await createNote(app, { nested: { keep: [1, 2, 3] } }, BOB);
  aliceArticle = await createArticle(app, { title: 'read only during fuzzing' }, ALICE);
});

/** Never 5xx; errors (other than redirects and HEAD) are the JSON envelope with an errno. */
function checkResponse(method: string, response: CallResult): void {
  expect(response.status).toBeLessThan(500);
  const { status } = response;
  if ((status >= 200 && status < 300) || status === 304) return;
  if (status === 307) {
    expect(response.headers.get('Location')).toBeTruthy();
    return;
  }
  if (method === 'HEAD') return;
  expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
  expect(isEnvelope(response)).toBe(true);
}

/** Bob's data and Alice's read-only record are exactly as they were before fuzzing. */
async function checkStoredDataIntact(): Promise<void> {
  const list = await call(app, 'GET', '/v1/articles', { auth: BOB });
  expect(list.body.data).toEqual([bobArticle]);
  const notes = await call(app, 'GET', '/v1/notes', { auth: BOB });
  expect(notes.body.data).toEqual([bobNote]);
  const alice = await call(app, 'GET', `/v1/articles/${aliceArticle.id}`, { auth: ALICE });
  expect(alice.body.data).toEqual(aliceArticle);
}

const FIELDS = [
  'title',
  'url',
  'unread',
  'favorite',
  'read_position',
  'word_count',
  'tags',
  'author',
  'author.name',
  'author.url.deep',
  'stored_on',
  'id',
  'last_modified',
  'deleted',
  '__proto__',
  'constructor',
  'toString',
  'a..b',
  '',
];
const PREFIXES = [
  '',
  'min_',
  'max_',
  'lt_',
  'gt_',
  'in_',
  'not_',
  'exclude_',
  'has_',
  'like_',
  'contains_',
  'contains_any_',
  '_',
];
const RESERVED = [
  '_since',
  '_before',
  '_to',
  '_sort',
  '_limit',
  '_token',
  '_fields',
  'last_modified',
];
const ODD_VALUES = [
  'null',
  'true',
  'false',
  '"1"',
  '""',
  '%',
  '%zz',
  '%E0%A4',
  '%00',
  '*',
  '-',
  ',',
  '[',
  '{',
  '1e400',
  '-0',
  '9'.repeat(30),
  '"',
  '\\',
];

/** Mostly printable text, sometimes Json code point (lone surrogates included). */
const text = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }));

const queryKey = fc.oneof(
  fc
    .tuple(fc.constantFrom(...PREFIXES), fc.oneof(fc.constantFrom(...FIELDS), text))
    .map(([p, f]) => p + f),
  fc.constantFrom(...RESERVED),
);

const queryValue = fc.oneof(
  text,
  fc.constantFrom(...ODD_VALUES),
  fc.integer().map(String),
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? 'null'),
  fc
    .array(fc.oneof(fc.integer().map(String), fc.string({ maxLength: 5 })), { maxLength: 5 })
    .map((items) => items.join(',')),
);

/** A query string, each pair either properly encoded or written raw with stray `%` sequences. */
const queryString = fc
  .array(fc.tuple(queryKey, queryValue, fc.boolean()), { maxLength: 6 })
  .map((pairs) =>
    pairs
      .map(([key, value, encoded]) =>
        encoded
          ? `${encodeURIComponent(key)}=${encodeURIComponent(value)}`
          : `${key.replace(/[#&=]/g, '%')}=${value.replace(/[#&]/g, '%')}`,
      )
      .join('&'),
  );

/** Header values must be valid ByteStrings: printable Latin-1, no CR, LF or NUL. */
const headerText = fc.string({
  unit: fc.integer({ min: 0x20, max: 0xff }).map((code) => String.fromCharCode(code)),
  maxLength: 40,
});

function headerValue(plausible: string[]) {
  return fc.oneof(fc.constantFrom(...plausible), headerText);
}

const randomHeaders = fc.record(
  {
    'If-Match': headerValue([
      '*',
      '"1"',
      '"0"',
      `"${Number.MAX_SAFE_INTEGER}"`,
      '"99999999999999999999"',
      'W/"1"',
      '"1", "2"',
    ]),
    'If-None-Match': headerValue(['*', '"1"', '"99999999999999"', 'W/*', '"-1"']),
    Accept: headerValue([
      'application/json',
      'text/html',
      '*/*',
      'application/json;q=0',
      'application/*;q=abc',
      '',
    ]),
    'Content-Type': headerValue([
      'application/json',
      'application/merge-patch+json',
      'application/json-patch+json',
      'text/plain',
      'application/json; charset=latin1',
      'multipart/form-data; boundary=x',
    ]),
    Authorization: fc.oneof(
      fc.constant(CAROL),
      fc.constantFrom(
        'Basic',
        'Basic ',
        'Basic ===',
        'Bearer x',
        `Basic ${Buffer.from('no-colon').toString('base64')}`,
      ),
      fc
        .string({ maxLength: 20 })
        .map((credentials) => basic(credentials.replace(/:/g, ''), credentials)),
      headerText.map((value) => `Basic ${value}`),
      headerText,
    ),
    'Response-Behavior': headerValue(['full', 'light', 'diff', 'LIGHT', '']),
  },
  { requiredKeys: [] },
);

const recordPath = (resource: string) =>
  fc.constantFrom(`/v1/${resource}/fuzz-id`, `/v1/${resource}/${'x'.repeat(128)}`);

const ARTICLE_KEYS = [
  'title',
  'url',
  'unread',
  'favorite',
  'read_position',
  'word_count',
  'excerpt',
  'tags',
  'author',
  'stored_on',
  'id',
  'last_modified',
];

const dataObject = fc.dictionary(
  fc.oneof(
    fc.constantFrom(...ARTICLE_KEYS),
    fc.string({ maxLength: 10 }),
    fc.constantFrom('__proto__', 'constructor'),
  ),
  fc.jsonValue({ maxDepth: 3 }),
  { maxKeys: 8 },
);

const validArticle = fc.record({
  title: fc.string({ minLength: 1, maxLength: 50 }),
  url: fc.webUrl(),
  unread: fc.boolean(),
  read_position: fc.nat(),
  tags: fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }),
});

/** A request body as raw text. */
const body = fc.oneof(
  { weight: 3, arbitrary: dataObject.map((data) => JSON.stringify({ data })) },
  { weight: 3, arbitrary: validArticle.map((data) => JSON.stringify({ data })) },
  {
    weight: 2,
    arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value) ?? ''),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((data) => JSON.stringify({ data })) },
  {
    weight: 1,
    arbitrary: dataObject.map((data) => JSON.stringify({ data, permissions: { read: ['x'] } })),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 100 }) },
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ maxLength: 100 })
      .map((bytes) => Buffer.from(bytes).toString('latin1')),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 5000 })
      .map((depth) => `{"data":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 3000 })
      .map((depth) => `{"data":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`),
  },
);

describe('fuzzing', () => {
  it('never fails on random query strings at every read and delete endpoint', async () => {
    const target = fc.oneof(
      fc.tuple(
        fc.constantFrom('GET', 'HEAD', 'DELETE'),
        fc.constantFrom('/v1/articles', '/v1/notes'),
      ),
      fc.tuple(fc.constantFrom('GET', 'HEAD'), fc.constant(`/v1/articles/${aliceArticle.id}`)),
      fc.tuple(
        fc.constantFrom('GET', 'HEAD', 'DELETE'),
        fc.oneof(recordPath('articles'), recordPath('notes')),
      ),
    );
    await fc.assert(
      fc.asyncProperty(target, queryString, async ([method, path], query) => {
        const auth = path.includes(aliceArticle.id) ? ALICE : CAROL;
        const response = await call(app, method, `${path}?${query}`, { auth });
        checkResponse(method, response);
      }),
      RUNS,
    );
    await checkStoredDataIntact();
  });

  it('never fails on random headers with Json method', async () => {
    const target = fc.oneof(
      fc.tuple(
        fc.constantFrom('GET', 'HEAD'),
        fc.constantFrom('/v1/articles', '/v1/notes', `/v1/articles/${aliceArticle.id}`, '/v1/'),
      ),
      fc.tuple(fc.constantFrom('POST', 'DELETE'), fc.constantFrom('/v1/articles', '/v1/notes')),
      fc.tuple(
        fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE', 'POST', 'OPTIONS'),
        fc.oneof(recordPath('articles'), recordPath('notes')),
      ),
      fc.tuple(fc.constant('POST'), fc.constant('/v1/batch')),
    );
    await fc.assert(
      fc.asyncProperty(
        target,
        randomHeaders,
        validArticle,
        async ([method, path], headers, data) => {
          const withBody = ['POST', 'PUT', 'PATCH'].includes(method);
          const payload =
            path === '/v1/batch'
              ? { requests: [{ method: 'POST', path: '/articles', body: { data } }] }
              : { data };
          const response = await call(app, method, path, {
            auth: null,
            headers,
            raw: withBody ? JSON.stringify(payload) : undefined,
          });
          checkResponse(method, response);
        },
      ),
      RUNS,
    );
    await checkStoredDataIntact();
  });

  it('never fails on random bodies at every write endpoint', async () => {
    const target = fc.oneof(
      fc.tuple(fc.constant('POST'), fc.constantFrom('/v1/articles', '/v1/notes')),
      fc.tuple(
        fc.constantFrom('PUT', 'PATCH'),
        fc.oneof(recordPath('articles'), recordPath('notes')),
      ),
    );
    const contentType = fc.constantFrom(
      'application/json',
      'application/merge-patch+json',
      'application/json; charset=utf-8',
    );
    await fc.assert(
      fc.asyncProperty(target, body, contentType, async ([method, path], raw, type) => {
        const response = await call(app, method, path, {
          raw,
          auth: CAROL,
          headers: { 'Content-Type': type },
        });
        checkResponse(method, response);
      }),
      RUNS,
    );
    await checkStoredDataIntact();
  });

  it('never fails on random batch bodies', async () => {
    const subRequest = fc.record(
      {
        method: fc.oneof(
          fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'),
          fc.string({ maxLength: 6 }),
        ),
        path: fc.oneof(
          fc.constantFrom(
            '/articles',
            '/notes',
            '/articles/fuzz-id',
            '/notes/fuzz-id',
            '/batch',
            '/',
            '/v1/articles',
          ),
          text,
        ),
        headers: fc.dictionary(
          fc.constantFrom('If-Match', 'If-None-Match', 'Authorization', 'Accept'),
          headerText,
          { maxKeys: 2 },
        ),
        body: fc.oneof(
          validArticle.map((data) => ({ data })),
          dataObject.map((data) => ({ data })),
          fc.jsonValue({ maxDepth: 2 }),
        ),
      },
      { requiredKeys: ['method', 'path'] },
    );
    const batchBody = fc.oneof(
      fc.record({ requests: fc.array(subRequest, { maxLength: 4 }) }),
      fc.record({
        defaults: fc.jsonValue({ maxDepth: 2 }),
        requests: fc.array(subRequest, { maxLength: 3 }),
      }),
      fc.jsonValue({ maxDepth: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(batchBody, async (payload) => {
        const response = await call(app, 'POST', '/v1/batch', { body: payload, auth: CAROL });
        checkResponse('POST', response);
        if (response.status === 200) {
          for (const sub of response.body.responses) expect(sub.status).toBeLessThan(500);
        }
      }),
      RUNS,
    );
    await checkStoredDataIntact();
  });

  it('never fails on random paths with Json method', async () => {
    const segment = fc.oneof(
      text.map((value) => encodeURIComponent(value)),
      fc.constantFrom(
        '%',
        '%zz',
        '%E0%A4',
        '%2F',
        '..',
        '.',
        '',
        'articles',
        'notes',
        '__proto__',
        '%00',
        'batch',
      ),
    );
    const path = fc
      .array(segment, { minLength: 1, maxLength: 4 })
      .map((segments) => `/v1/${segments.join('/')}`);
    const method = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS');
    await fc.assert(
      fc.asyncProperty(method, path, async (verb, target) => {
        const withBody = ['POST', 'PUT', 'PATCH'].includes(verb);
        const options = withBody ? { body: { data: { title: 'x' } } } : {};
        const response = await call(app, verb, target, { ...options, auth: CAROL });
        checkResponse(verb, response);
      }),
      RUNS,
    );
    await checkStoredDataIntact();
  });
});

describe('extreme bodies within the size limit', () => {
  const big = makeApp({ settings: { maxBodyBytes: 1024 * 1024 } });

  it.each([
    ['a deeply nested array', `{"data":{"x":${'['.repeat(200_000)}${']'.repeat(200_000)}}}`],
    ['a deeply nested object', `{"data":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`],
    ['a huge string', JSON.stringify({ data: { text: 'x'.repeat(1000_000) } })],
    [
      'a huge array',
      JSON.stringify({ data: { list: Array.from({ length: 200_000 }, (_, i) => i) } }),
    ],
    [
      'many keys',
      JSON.stringify({
        data: Object.fromEntries(Array.from({ length: 30_000 }, (_, i) => [`k${i}`, i])),
      }),
    ],
  ])('never answers 5xx to %s, on both resources', async (_label, raw) => {
    for (const path of ['/v1/notes', '/v1/articles']) {
      const response = await call(big, 'POST', path, {
        raw,
        headers: { 'Content-Type': 'application/json' },
      });
      checkResponse('POST', response);
    }
  });
});
