/**
 * Starts the reading list: `PORT` (default 8888), `HOST` (default 127.0.0.1),
 * `USERID_HMAC_SECRET`, `LOG_LEVEL` (default info) and the `PAWL_*` settings come from the
 * environment. Logs are JSON lines on stdout.
 *
 * @module
 */
import { serve } from '@hono/node-server';
import { settingsFromEnv } from '@pawl/core';
import { pino } from 'pino';
import { createReadingList } from './app.js';

const DEVELOPMENT_SECRET = 'reading-list-development-secret';

const port = Number(process.env.PORT ?? 8888);
const host = process.env.HOST ?? '127.0.0.1';
const secret = process.env.USERID_HMAC_SECRET ?? DEVELOPMENT_SECRET;
const logger = pino({ level: process.env.LOG_LEVEL ?? 'info', base: null });
if (secret === DEVELOPMENT_SECRET) {
  logger.warn(
    'USERID_HMAC_SECRET is not set: using the development secret. Set it before going live.',
  );
}

const app = createReadingList({
  userIdHmacSecret: secret,
  settings: settingsFromEnv(process.env),
  logger,
});
const server = serve({ fetch: app.fetch, port, hostname: host }, (info) => {
  logger.info(
    { url: `http://${host}:${info.port}/v1/` },
    `reading list ready on http://${host}:${info.port}/v1/`,
  );
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
