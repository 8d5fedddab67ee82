/**
 * Starts the reading list: `PORT` (default 8888), `HOST` (default 127.0.0.1) and
 * `USERID_HMAC_SECRET` come from the environment.
 *
 * @module
 */
import { serve } from '@hono/node-server';
import { createReadingList } from './app.js';

const DEVELOPMENT_SECRET = 'reading-list-development-secret';

const port = Number(process.env.PORT ?? 8888);
const host = process.env.HOST ?? '127.0.0.1';
const secret = process.env.USERID_HMAC_SECRET ?? DEVELOPMENT_SECRET;
if (secret === DEVELOPMENT_SECRET) {
  console.warn('USERID_HMAC_SECRET is not set: using the development secret. Set it before going live.');
}

const app = createReadingList({ userIdHmacSecret: secret });
const server = serve({ fetch: app.fetch, port, hostname: host }, (info) => {
  console.log(`reading list ready on http://${host}:${info.port}/v1/`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
