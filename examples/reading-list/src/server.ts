/**
 * Starts the reading list: `PORT` (default 8888), `HOST` (default 127.0.0.1),
 * `USERID_HMAC_SECRET`, `LOG_LEVEL` (default info), `DATABASE` (the SQLite file, default
 * `./reading-list.db`; `:memory:` keeps nothing) and the `PAWL_*` settings come from the
 * environment. `DATABASE_URL=postgres://...` runs on PostgreSQL instead (migrating it on
 * start), and `CACHE_URL=redis://...` keeps the cache in Redis. Logs are JSON lines on stdout.
 *
 * @module
 */
import { serve } from '@hono/node-server';
import { type Backends, settingsFromEnv } from '@pawl/core';
import { postgres } from '@pawl/postgres';
import { redisCache } from '@pawl/redis';
import { sqlite } from '@pawl/sqlite';
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

const { DATABASE_URL, CACHE_URL } = process.env;
const onPostgres = /^postgres(ql)?:\/\//.test(DATABASE_URL ?? '');
const database = onPostgres ? 'PostgreSQL' : (process.env.DATABASE ?? './reading-list.db');
// Indexes for what a reading list asks most (unread or favorite articles, newest first) and
// for the uniqueness check of url on every write.
const indexes = { articles: ['unread', 'favorite', 'stored_on', 'url'] };
const chosen: Backends = onPostgres
  ? postgres({ connectionString: DATABASE_URL, migrateOnStart: true, indexes })
  : sqlite({ path: database, indexes });
const backends: Backends = /^rediss?:\/\//.test(CACHE_URL ?? '')
  ? { ...chosen, cache: redisCache({ url: CACHE_URL, prefix: 'reading-list:' }) }
  : chosen;

const app = createReadingList({
  userIdHmacSecret: secret,
  backends,
  settings: settingsFromEnv(process.env),
  logger,
});
const server = serve({ fetch: app.fetch, port, hostname: host }, (info) => {
  logger.info(
    { url: `http://${host}:${info.port}/v1/`, database },
    `reading list ready on http://${host}:${info.port}/v1/`,
  );
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () =>
    server.close(() => {
      const { storage, permission, cache } = backends;
      Promise.all([storage.close(), permission?.close(), cache?.close()]).then(() =>
        process.exit(0),
      );
    }),
  );
}
