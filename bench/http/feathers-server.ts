/**
 * Starts the peer framework's app (see `feathers-app.ts`) on `HOST`:`PORT` over the SQLite
 * file `DATABASE`, with `USERID_HMAC_SECRET` as its JWT secret.
 *
 * @module
 */
import { createFeathersApp } from './feathers-app.js';

const app = createFeathersApp(
  process.env.DATABASE ?? 'feathers.db',
  process.env.USERID_HMAC_SECRET ?? '',
);
const server = await app.listen(Number(process.env.PORT ?? 8003), process.env.HOST ?? '127.0.0.1');
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () =>
    server.close(() => {
      app
        .get('sqliteClient')
        .destroy()
        .then(() => process.exit(0));
    }),
  );
}
