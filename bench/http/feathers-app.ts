/**
 * The peer framework: a Feathers 5 app wired as its generator wires one (Koa REST transport,
 * knex on SQLite through better-sqlite3, JWT authentication with a `users` entity service, an
 * `articles` service with schema hooks and resolvers), on the benchmark's SQLite file. The
 * knex pool's `afterCreate` sets the same WAL journal and synchronous=FULL as Pawl's storage,
 * so both pay the same price for durable writes. `multi: ['create']` allows the batch of
 * creates (an array posted to `/articles`).
 *
 * @module
 */
import { AuthenticationService, authenticate, JWTStrategy } from '@feathersjs/authentication';
import { feathers, type HookContext, type NextFunction } from '@feathersjs/feathers';
import { KnexService } from '@feathersjs/knex';
import { bodyParser, cors, errorHandler, koa, parseAuthentication, rest } from '@feathersjs/koa';
import { hooks as schemaHooks } from '@feathersjs/schema';
import type { Database } from 'better-sqlite3';
import knex from 'knex';
import {
  articleDataResolver,
  articleDataValidator,
  articleExternalResolver,
  articlePatchResolver,
  articlePatchValidator,
  articleQueryResolver,
  articleQueryValidator,
  articleResolver,
} from './feathers-schema.js';
import { usersService } from './feathers-users.js';

/** hooks/log-error.ts of a generated app. */
async function logError(context: HookContext, next: NextFunction): Promise<void> {
  try {
    await next();
  } catch (error) {
    console.error(`Error in ${context.path}.${context.method}`, error);
    throw error;
  }
}

export function createFeathersApp(file: string, secret: string) {
  const app = koa(feathers());
  app.set('paginate', { default: 10, max: 50 });
  app.set('authentication', {
    entity: 'user',
    service: 'users',
    secret,
    authStrategies: ['jwt'],
    jwtOptions: {
      header: { typ: 'access' },
      audience: 'https://yourdomain.com',
      algorithm: 'HS256',
      expiresIn: '1d',
    },
  });
  const db = knex({
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
    pool: {
      afterCreate(connection: Database, done: (error: Error | null, connection: Database) => void) {
        connection.pragma('busy_timeout = 5000');
        connection.pragma('journal_mode = WAL');
        connection.pragma('synchronous = FULL');
        done(null, connection);
      },
    },
  });
  app.set('sqliteClient', db);

  app.use(cors());
  app.use(errorHandler());
  app.use(parseAuthentication());
  app.use(bodyParser());
  app.configure(rest());

  const authentication = new AuthenticationService(app);
  authentication.register('jwt', new JWTStrategy());
  app.use('authentication', authentication);

  app.configure((feathersApp) => usersService(feathersApp, db));
  app.use(
    'articles',
    new KnexService({
      Model: db,
      name: 'articles',
      paginate: app.get('paginate'),
      multi: ['create'],
    }),
    { methods: ['find', 'get', 'create', 'patch', 'remove'], events: [] },
  );
  app.service('articles').hooks({
    around: {
      all: [
        authenticate('jwt'),
        schemaHooks.resolveExternal(articleExternalResolver),
        schemaHooks.resolveResult(articleResolver),
      ],
    },
    before: {
      all: [
        schemaHooks.validateQuery(articleQueryValidator),
        schemaHooks.resolveQuery(articleQueryResolver),
      ],
      create: [
        schemaHooks.validateData(articleDataValidator),
        schemaHooks.resolveData(articleDataResolver),
      ],
      patch: [
        schemaHooks.validateData(articlePatchValidator),
        schemaHooks.resolveData(articlePatchResolver),
      ],
    },
  });
  app.hooks({ around: { all: [logError] } });
  return app;
}

/** A JWT for user `userId`, as the authentication service issues one at login. */
export async function feathersToken(file: string, secret: string, userId: number): Promise<string> {
  const app = createFeathersApp(file, secret);
  try {
    const authentication = app.defaultAuthentication?.();
    if (!authentication) throw new Error('the Feathers app has no authentication service');
    return await authentication.createAccessToken({}, { subject: String(userId) });
  } finally {
    await app.get('sqliteClient').destroy();
  }
}
