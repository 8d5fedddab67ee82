import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createReadingList } from '../src/app.js';
import { readJson } from './read-json.js';

const SECRET = 'sharing-secret';
const basic = (user: string) => `Basic ${Buffer.from(`${user}:pw`).toString('base64')}`;
const userId = (user: string) =>
  `basicauth:${createHmac('sha256', SECRET).update(`${user}:pw`).digest('hex')}`;

function request(
  app: ReturnType<typeof createReadingList>,
  method: string,
  path: string,
  auth?: string,
  body?: unknown,
) {
  const headers: Record<string, string> = {};
  if (auth) headers.Authorization = auth;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return app.request(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describe('sharing articles', () => {
  it('lets Alice share one article with Bob, who reads it under her collection and nothing else', async () => {
    const app = createReadingList({ userIdHmacSecret: SECRET });
    const shared = await readJson(
      await request(app, 'POST', '/v1/articles', basic('alice'), {
        data: { title: 'For Bob', url: 'https://example.com/bob' },
        permissions: { read: [userId('bob')] },
      }),
    );
    await request(app, 'POST', '/v1/articles', basic('alice'), {
      data: { title: 'Private', url: 'https://example.com/private' },
    });
    const alicesList = `/v1/users/${userId('alice')}/articles`;
    const list = await readJson(await request(app, 'GET', alicesList, basic('bob')));
    expect(list.data.map((a: { title: string }) => a.title)).toEqual(['For Bob']);
    const one = await request(app, 'GET', `${alicesList}/${shared.data.id}`, basic('bob'));
    expect(one.status).toBe(200);
    const edit = await request(app, 'PATCH', `${alicesList}/${shared.data.id}`, basic('bob'), {
      data: { unread: false },
    });
    expect(edit.status).toBe(403);
    expect((await request(app, 'GET', alicesList, basic('carol'))).status).toBe(200);
    expect((await readJson(await request(app, 'GET', alicesList, basic('carol')))).data).toEqual(
      [],
    );
  });

  it('lets Alice publish an article to everyone, reachable without signing in', async () => {
    const app = createReadingList({ userIdHmacSecret: SECRET });
    const published = await readJson(
      await request(app, 'POST', '/v1/articles', basic('alice'), {
        data: { title: 'Public', url: 'https://example.com/public' },
        permissions: { read: ['system.Everyone'] },
      }),
    );
    const path = `/v1/users/${userId('alice')}/articles/${published.data.id}`;
    const anonymous = await request(app, 'GET', path);
    expect(anonymous.status).toBe(200);
    expect((await readJson(anonymous)).data.title).toBe('Public');
    const unshare = await request(
      app,
      'PATCH',
      `/v1/articles/${published.data.id}`,
      basic('alice'),
      {
        permissions: { read: [] },
      },
    );
    expect(unshare.status).toBe(200);
    expect((await request(app, 'GET', path)).status).toBe(401);
  });
});
