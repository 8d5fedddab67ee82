/**
 * `createApp()`: a Hono app serving every declared resource under `/v{MAJOR}`.
 *
 * @module
 */
import { Hono } from 'hono';
import type { AuthPolicy } from '../auth/auth-policy.js';
import { basicAuth } from '../auth/basic-auth.js';
import { pathNotFound } from '../errors/index.js';
import { assertAcceptsJson } from '../protocol/content-negotiation.js';
import type { Resource } from '../resource/define-resource.js';
import { memoryStorage } from '../storage/memory-storage.js';
import type { StorageBackend } from '../storage/types.js';
import { cors } from './cors.js';
import { type ErrorLogger, errorResponse } from './error-response.js';
import { mountResource } from './resource-routes.js';
import { type Settings, resolveSettings } from './settings.js';
import { type ProjectInfo, mountUtilities } from './utility-routes.js';

/** The backends an app runs on. */
export interface Backends {
  storage: StorageBackend;
}

export interface CreateAppOptions {
  project: ProjectInfo;
  /** `MAJOR.MINOR`; routes live under `/v{MAJOR}`. */
  httpApiVersion: string;
  resources: Resource[];
  /** Default: in-memory backends (data is lost when the process ends). */
  backends?: Backends;
  /** Policies tried in order. Default: Basic auth keyed by `userIdHmacSecret`. */
  auth?: AuthPolicy[];
  /** The HMAC secret of the default Basic auth policy. */
  userIdHmacSecret?: string;
  settings?: Partial<Settings>;
  /** Receives unexpected errors (answered as 500 errno 999). Default: `console.error`. */
  logError?: ErrorLogger;
}

/**
 * Builds the app. Serve it with any Hono adapter, or mount it inside your own Hono app.
 *
 * @example
 * ```ts
 * import { serve } from '@hono/node-server';
 * import { basicAuth, createApp, defineResource } from '@pawl/core';
 *
 * const notes = defineResource({ name: 'notes' });
 * const app = createApp({
 *   project: { name: 'notes', version: '1.0.0' },
 *   httpApiVersion: '1.0',
 *   resources: [notes],
 *   auth: [basicAuth({ secret: 'change me' })],
 * });
 * serve({ fetch: app.fetch, port: 8888 }); // GET http://localhost:8888/v1/notes
 * ```
 */
export function createApp(options: CreateAppOptions): Hono {
  const major = parseMajor(options.httpApiVersion);
  const settings = resolveSettings(options.settings);
  const storage = options.backends?.storage ?? memoryStorage();
  const auth = options.auth ?? defaultAuth(options.userIdHmacSecret);
  const logError = options.logError ?? ((error: unknown) => console.error(error));
  checkResourceNames(options.resources);

  const api = new Hono();
  api.use('*', cors(settings.corsOrigins));
  api.use('*', async function acceptJson(c, next) {
    assertAcceptsJson(c.req.raw.headers);
    await next();
  });
  mountUtilities(api, { project: options.project, httpApiVersion: options.httpApiVersion, storage, auth });
  for (const resource of options.resources) mountResource(api, { resource, storage, settings, auth });
  api.notFound(() => {
    throw pathNotFound();
  });
  api.onError((error, c) => errorResponse(error, c, logError));

  const app = new Hono();
  app.route(`/v${major}`, api);
  app.notFound((c) => errorResponse(pathNotFound(), c, logError));
  app.onError((error, c) => errorResponse(error, c, logError));
  return app;
}

function parseMajor(version: string): number {
  const match = /^(\d+)\.(\d+)$/.exec(version);
  if (!match) throw new TypeError(`httpApiVersion must be "MAJOR.MINOR", got "${version}"`);
  return Number(match[1]);
}

function defaultAuth(secret: string | undefined): AuthPolicy[] {
  if (!secret) throw new TypeError('createApp needs `auth` policies or a `userIdHmacSecret` for Basic auth');
  return [basicAuth({ secret })];
}

function checkResourceNames(resources: Resource[]): void {
  const seen = new Set<string>();
  for (const resource of resources) {
    if (seen.has(resource.name)) throw new TypeError(`Resource "${resource.name}" is declared twice`);
    seen.add(resource.name);
  }
}
