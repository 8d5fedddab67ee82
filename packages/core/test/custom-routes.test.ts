import { describe, expect, it } from 'vitest';
import { createApp, defineResource, ERRNO, HttpError } from '../src/index.js';
import { ALICE, basicUserId, call, SECRET } from './helpers.js';

function appWithActions() {
  const checks = defineResource({ name: 'checks' });
  return createApp({
    project: { name: 't', version: '1' },
    httpApiVersion: '1.0',
    resources: [checks],
    userIdHmacSecret: SECRET,
    settings: { backoff: 5 },
    routes: (api, { requireUser, storage }) => {
      api.post('/checks/:id/pause', async (c) => {
        const user = await requireUser(c.req.raw);
        const collection = { resource: 'checks', parentId: user.id };
        const check = await storage.get(collection, c.req.param('id'));
        if (!check) {
          throw new HttpError({
            code: 404,
            errno: ERRNO.INVALID_RESOURCE_ID,
            message: 'No such check',
          });
        }
        const paused = await storage.put(collection, { ...check, status: 'paused' });
        return c.json({ uuid: paused.id, status: paused.status });
      });
      // A route that reads its body itself, with Hono's own reader.
      api.post('/checks/echo', async (c) => c.json({ received: await c.req.json() }));
    },
  });
}

describe('custom routes', () => {
  it('serve an action beside a resource, with a bare-object response', async () => {
    const app = appWithActions();
    const created = await call(app, 'POST', '/v1/checks', { body: { data: { status: 'up' } } });
    const paused = await call(app, 'POST', `/v1/checks/${created.body.data.id}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body).toEqual({ uuid: created.body.data.id, status: 'paused' });
    const stored = await call(app, 'GET', `/v1/checks/${created.body.data.id}`);
    expect(stored.body.data.status).toBe('paused');
    expect(stored.body.data.last_modified).toBeGreaterThan(created.body.data.last_modified);
  });

  it('get the app’s auth, JSON errors, CORS and operator headers', async () => {
    const app = appWithActions();
    const anonymous = await call(app, 'POST', '/v1/checks/x/pause', { auth: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('WWW-Authenticate')).toMatch(/^Basic/);
    const missing = await call(app, 'POST', '/v1/checks/nope/pause', { auth: ALICE });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 404, errno: 110, message: 'No such check' });
    expect(missing.headers.get('Access-Control-Allow-Origin')).toBe('*');
    const hello = await call(app, 'GET', '/v1/');
    expect(hello.headers.get('Backoff')).toBe('5');
    expect(hello.body.user.id).toBe(basicUserId('alice'));
  });

  it('run inside a batch like any route', async () => {
    const app = appWithActions();
    const created = await call(app, 'POST', '/v1/checks', { body: { data: { status: 'up' } } });
    const { body } = await call(app, 'POST', '/v1/batch', {
      body: { requests: [{ method: 'POST', path: `/checks/${created.body.data.id}/pause` }] },
    });
    expect(body.responses[0]).toMatchObject({ status: 200, body: { status: 'paused' } });
  });

  it('read the bodies of their sub-requests in a batch as they read any body', async () => {
    const app = appWithActions();
    const sent = { name: 'nightly backup', timeout: 3600 };
    const { body } = await call(app, 'POST', '/v1/batch', {
      body: { requests: [{ method: 'POST', path: '/checks/echo', body: sent }] },
    });
    expect(body.responses[0]).toMatchObject({ status: 200, body: { received: sent } });
  });
});
