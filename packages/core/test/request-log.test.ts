import { describe, expect, it } from 'vitest';
import {
  type CreateAppOptions,
  createApp,
  defineResource,
  type RequestLogger,
} from '../src/index.js';
import { ALICE, basicUserId, call, SECRET } from './helpers.js';

function recordingApp(routes?: CreateAppOptions['routes']) {
  const lines: Array<Record<string, unknown>> = [];
  const logger: RequestLogger = {
    info: (fields) => lines.push(fields as Record<string, unknown>),
    error: (fields) => lines.push({ level: 'error', ...fields }),
  };
  const app = createApp({
    project: { name: 't', version: '1' },
    httpApiVersion: '1.0',
    resources: [defineResource({ name: 'notes' })],
    userIdHmacSecret: SECRET,
    logger,
    logError: () => {},
    routes,
  });
  return { app, lines };
}

describe('request log', () => {
  it('writes one line per request with method, path, status, time, user id and errno', async () => {
    const { app, lines } = recordingApp();
    await call(app, 'POST', '/v1/notes', { body: { data: { a: 1 } } });
    await call(app, 'GET', '/v1/notes/missing');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      method: 'POST',
      path: '/v1/notes',
      code: 201,
      uid: basicUserId('alice'),
      errno: null,
    });
    expect(lines[0]?.t).toEqual(expect.any(Number));
    expect(lines[1]).toMatchObject({
      method: 'GET',
      path: '/v1/notes/missing',
      code: 404,
      errno: 110,
    });
  });

  it('never logs credentials, query strings or bodies', async () => {
    const { app, lines } = recordingApp();
    await call(app, 'GET', '/v1/notes?token=hunter2', {
      auth: ALICE,
      headers: { 'X-Api-Key': 'key-123' },
    });
    await call(app, 'POST', '/v1/notes', { body: { data: { password: 'hunter2' } } });
    const text = JSON.stringify(lines);
    for (const secret of ['hunter2', 'key-123', ALICE, ALICE.slice(6)])
      expect(text).not.toContain(secret);
  });

  it('logs sub-requests of a batch as well as the batch', async () => {
    const { app, lines } = recordingApp();
    await call(app, 'POST', '/v1/batch', {
      body: { requests: [{ path: '/notes' }, { path: '/notes' }] },
    });
    expect(lines.map((line) => line.path)).toEqual(['/v1/notes', '/v1/notes', '/v1/batch']);
  });

  it('logs a route whose response takes no headers, answered 500 in the envelope', async () => {
    // `Response.redirect` makes a response whose headers cannot change: CORS cannot add its own.
    const { app, lines } = recordingApp((api) => {
      api.get('/away', () => Response.redirect('https://example.com/', 302));
    });
    const { status, body } = await call(app, 'GET', '/v1/away', {
      headers: { Origin: 'https://example.com' },
    });
    expect(status).toBe(500);
    expect(body).toMatchObject({ errno: 999 });
    expect(lines).toEqual([expect.objectContaining({ path: '/v1/away', code: 500, errno: 999 })]);
  });
});
