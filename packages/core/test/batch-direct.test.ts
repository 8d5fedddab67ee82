/**
 * Batch sub-requests to resource endpoints are answered without going through Hono (see
 * `direct-sub-requests.ts`): each must get exactly the answer, and leave exactly the log line,
 * that the same request sent alone gets.
 */
import type { Hono } from 'hono';
import { describe, expect, it, vi } from 'vitest';
import { createApp, defineResource, type Settings } from '../src/index.js';
import { ALICE, articleSchema, BOB, basic, basicUserId, type Json, SECRET } from './helpers.js';

const BOB_ID = basicUserId('bob');

interface Sub {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Json;
}

interface Logged {
  method: string;
  path: string;
  code: number;
  uid: string | null;
  errno: number | null;
}

function loggedApp(settings: Partial<Settings> = {}) {
  const lines: Logged[] = [];
  const logger = {
    info: (fields: object) => {
      const { t: _t, ...line } = fields as Logged & { t: number };
      lines.push(line);
    },
    error: () => {},
  };
  const articles = defineResource({ name: 'articles', schema: articleSchema, unique: ['url'] });
  const notes = defineResource({ name: 'notes' });
  const tasks = defineResource({ name: 'tasks', scope: 'user' });
  const app = createApp({
    project: { name: 'test', version: '0.0.1' },
    httpApiVersion: '1.0',
    resources: [articles, notes, tasks],
    userIdHmacSecret: SECRET,
    settings: { corsOrigins: ['https://app.example'], backoff: 30, ...settings },
    logger,
    logError: () => {},
    routes: (api) => {
      api.get('/notes/pinned', (c) => c.json({ pinned: true }));
    },
  });
  return { app, lines };
}

const BATCH_HEADERS = { Authorization: ALICE, Origin: 'https://app.example' };

/** The sub-responses of `requests` in one batch, and the log lines of the sub-requests. */
async function inBatch(app: Hono, lines: Logged[], requests: Sub[]) {
  const response = await app.request('/v1/batch', {
    method: 'POST',
    headers: { ...BATCH_HEADERS, 'Content-Type': 'application/json' },
    body: JSON.stringify({ requests }),
  });
  expect(response.status).toBe(200);
  const { responses } = (await response.json()) as { responses: Json[] };
  // The batch's own line comes last.
  return { responses, logged: lines.splice(0).slice(0, -1) };
}

/** The same requests sent one by one, answered as a sub-response shows them. */
async function alone(app: Hono, lines: Logged[], requests: Sub[]) {
  const responses: Json[] = [];
  for (const request of requests) {
    const headers: Record<string, string> = { ...BATCH_HEADERS, ...request.headers };
    if (request.body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await app.request(`/v1${request.path}`, {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
    });
    const text = await response.text();
    responses.push({
      status: response.status,
      path: `/v1${request.path}`,
      body: text === '' ? null : JSON.parse(text),
      headers: Object.fromEntries(response.headers),
    });
  }
  return { responses, logged: lines.splice(0) };
}

/** `direct`: none of the sub-requests may go through the app. */
async function expectSameAnswers(app: Hono, lines: Logged[], requests: Sub[], direct = true) {
  const fetch = vi.spyOn(app, 'fetch');
  const batched = await inBatch(app, lines, requests);
  // The batch itself, and the sub-requests the app routed.
  expect(fetch).toHaveBeenCalledTimes(direct ? 1 : 1 + requests.length);
  fetch.mockRestore();
  const single = await alone(app, lines, requests);
  requests.forEach((request, index) => {
    expect(batched.responses[index], `${request.method} ${request.path}`).toEqual(
      single.responses[index],
    );
  });
  expect(batched.logged).toEqual(single.logged);
}

async function seed(app: Hono): Promise<{ id: string; etag: string }> {
  const response = await app.request('/v1/articles/first', {
    method: 'PUT',
    headers: { ...BATCH_HEADERS, 'Content-Type': 'application/json' },
    body: JSON.stringify({ data: { title: 'First', url: 'https://example.com/first' } }),
  });
  expect(response.status).toBe(201);
  await app.request('/v1/articles/second', {
    method: 'PUT',
    headers: { ...BATCH_HEADERS, 'Content-Type': 'application/json' },
    body: JSON.stringify({ data: { title: 'Second', url: 'https://example.com/second' } }),
  });
  return { id: 'first', etag: response.headers.get('ETag') ?? '' };
}

describe('batch sub-requests answered directly', () => {
  it('answer reads exactly as the same requests sent alone, with the same log lines', async () => {
    const { app, lines } = loggedApp();
    const { etag } = await seed(app);
    lines.length = 0;
    await expectSameAnswers(app, lines, [
      { method: 'GET', path: '/articles/first' },
      { method: 'HEAD', path: '/articles/first' },
      { method: 'GET', path: '/articles/first', headers: { 'If-None-Match': etag } },
      { method: 'GET', path: '/articles?_sort=title&_limit=1' },
      { method: 'HEAD', path: '/articles' },
      { method: 'GET', path: '/articles?title=Second&_fields=url' },
      { method: 'GET', path: '/articles/missing' },
      { method: 'GET', path: '/articles?_sort=nope&_limit=x' },
      { method: 'GET', path: '/articles', headers: { Accept: 'text/html' } },
      { method: 'GET', path: '/articles/first', headers: { Authorization: BOB } },
      { method: 'GET', path: '/articles/first', headers: { Authorization: 'Basic !!' } },
      { method: 'GET', path: '/tasks' },
      { method: 'GET', path: '/tasks', headers: { Authorization: '' } },
      { method: 'GET', path: '/users/someone/tasks' },
      { method: 'GET', path: '/users/someone/tasks/one' },
      { method: 'GET', path: '/articles/first', headers: { Origin: 'https://other.example' } },
    ]);
  });

  it('refuse writes exactly as the same requests sent alone', async () => {
    const { app, lines } = loggedApp();
    await seed(app);
    lines.length = 0;
    await expectSameAnswers(app, lines, [
      { method: 'PATCH', path: '/articles/first', headers: { 'If-Match': '"1"' }, body: {} },
      { method: 'PUT', path: '/articles/first', headers: { 'If-None-Match': '*' }, body: {} },
      { method: 'POST', path: '/articles', body: { data: { title: '' } } },
      { method: 'POST', path: '/articles', body: { data: { url: 'https://example.com/first' } } },
      {
        method: 'PUT',
        path: '/articles/other',
        body: { data: { title: 'Other', url: 'https://example.com/second' } },
      },
      { method: 'POST', path: '/articles', body: { data: 'not an object' } },
      { method: 'DELETE', path: '/articles/first', headers: { 'If-Match': '"1"' } },
      { method: 'PATCH', path: '/articles/first', headers: { Authorization: BOB }, body: {} },
      { method: 'DELETE', path: '/articles' },
    ]);
  });

  it('apply the operator controls as the app does: read-only mode and end of support', async () => {
    const readonly = loggedApp({ readonly: true });
    await expectSameAnswers(readonly.app, readonly.lines, [
      { method: 'POST', path: '/notes', body: { data: { a: 1 } } },
      { method: 'GET', path: '/notes' },
    ]);
    const ending = loggedApp({ eos: '2999-01-01', eosMessage: 'Moving on' });
    await expectSameAnswers(ending.app, ending.lines, [
      { method: 'GET', path: '/notes' },
      { method: 'GET', path: '/notes/missing' },
    ]);
  });

  it('answer writes as the same requests sent alone, but for ids and timestamps', async () => {
    const { app, lines } = loggedApp();
    const write = (id: string): Sub[] => [
      { method: 'PUT', path: `/notes/${id}`, body: { data: { a: 1 } } },
      {
        method: 'PUT',
        path: `/notes/${id}-shared`,
        body: { data: {}, permissions: { read: ['system.Everyone'], write: [BOB_ID, 'x'] } },
      },
      { method: 'PUT', path: `/notes/${id}-anonymous`, headers: { Authorization: '' }, body: {} },
      { method: 'PATCH', path: `/notes/${id}`, body: { data: { b: 2 } } },
      { method: 'GET', path: `/notes/${id}` },
      { method: 'DELETE', path: `/notes/${id}` },
    ];
    const batched = await inBatch(app, lines, write('one'));
    const single = await alone(app, lines, write('two'));
    const timeless = (value: Json) =>
      JSON.parse(
        JSON.stringify(value)
          .replace(/\d{13}/g, '0')
          .replace(/[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} [\d:]{8} GMT/g, 'date')
          .replaceAll('two', 'one'),
      );
    expect(timeless(batched.responses)).toEqual(timeless(single.responses));
    expect(timeless(batched.logged)).toEqual(timeless(single.logged));
  });

  it('leave to the app the paths the URL parser changes, answered as when sent alone', async () => {
    const { app, lines } = loggedApp();
    await seed(app);
    lines.length = 0;
    await expectSameAnswers(
      app,
      lines,
      [
        { method: 'GET', path: '/articles/first#fragment' },
        { method: 'GET', path: '/articles/.' },
        { method: 'GET', path: '/articles/..' },
        { method: 'GET', path: '/articles/fir\tst' },
        { method: 'GET', path: '/articles\\first' },
        { method: 'GET', path: '/articles/first?_fields=url&title=a b' },
        { method: 'GET', path: '/articles/érable' },
      ],
      false,
    );
  });

  it('leave to the app what its own routes and middlewares answer', async () => {
    const { app, lines } = loggedApp();
    const fetch = vi.spyOn(app, 'fetch');
    const { responses } = await inBatch(app, lines, [
      { method: 'GET', path: '/notes/pinned' },
      { method: 'GET', path: '/notes/pin%6Eed' },
      { method: 'GET', path: '/notes/' },
      { method: 'GET', path: '/' },
    ]);
    expect(responses.map((response) => [response.status, response.body])).toEqual([
      [200, { pinned: true }],
      // Hono's router decodes the path: the app's own route answers.
      [200, { pinned: true }],
      [307, null],
      [200, expect.objectContaining({ project_name: 'test' })],
    ]);
    expect(fetch).toHaveBeenCalledTimes(5);

    const seen: string[] = [];
    const watched = createApp({
      project: { name: 'test', version: '0.0.1' },
      httpApiVersion: '1.0',
      resources: [defineResource({ name: 'notes' })],
      userIdHmacSecret: SECRET,
      routes: (api) => {
        api.use('*', async (c, next) => {
          seen.push(`${c.req.method} ${c.req.path}`);
          await next();
          c.header('X-Seen', 'yes');
        });
      },
    });
    const batch = await watched.request('/v1/batch', {
      method: 'POST',
      headers: { Authorization: basic('carol'), 'Content-Type': 'application/json' },
      body: JSON.stringify({ requests: [{ method: 'POST', path: '/notes', body: { data: {} } }] }),
    });
    const { responses: watchedResponses } = (await batch.json()) as { responses: Json[] };
    expect(watchedResponses[0].status).toBe(201);
    expect(watchedResponses[0].headers['x-seen']).toBe('yes');
    // The batch route was mounted before it, so only the sub-request passes through it.
    expect(seen).toEqual(['POST /v1/notes']);
  });
});
