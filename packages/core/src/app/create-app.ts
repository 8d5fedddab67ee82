/**
 * `createApp()`: a Hono app serving every declared resource under `/v{MAJOR}`.
 *
 * @module
 */
import { Hono } from 'hono';
import type { AuthPolicy } from '../auth/auth-policy.js';
import { basicAuth } from '../auth/basic-auth.js';
import { memoryCache } from '../cache/memory-cache.js';
import type { CacheBackend } from '../cache/types.js';
import { recordCounts } from '../endpoints/record-counts.js';
import { memoryPermission } from '../permission/memory-permission.js';
import type { PermissionBackend } from '../permission/types.js';
import type { Resource } from '../resource/define-resource.js';
import { memoryStorage } from '../storage/memory-storage.js';
import type { StorageBackend } from '../storage/types.js';
import { challengeOf, createIdentify, type PrincipalsHook } from './authenticate.js';
import { mountBatch } from './batch-route.js';
import { batchStorage } from './batch-storage.js';
import { type CustomRoutes, routeTools } from './custom-routes.js';
import { directSubRequests } from './direct-sub-requests.js';
import { type ErrorLogger, errorResponse } from './error-response.js';
import { requestLayers } from './request-layers.js';
import type { RequestLogger } from './request-log.js';
import { mountResource, type ResourceRoute } from './resource-routes.js';
import { resolveSettings, type Settings } from './settings.js';
import { type Capability, mountUtilities, type ProjectInfo } from './utility-routes.js';
import { versionFallback } from './version-routing.js';

/** The backends an app runs on. */
export interface Backends {
  storage: StorageBackend;
  /** Default: an in-process cache. */
  cache?: CacheBackend;
  /** Default: in-process permissions (lost when the process ends). */
  permission?: PermissionBackend;
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
  /** Adds principals (groups, roles) to each authenticated user. */
  principals?: PrincipalsHook;
  /** The HMAC secret of the default Basic auth policy. */
  userIdHmacSecret?: string;
  settings?: Partial<Settings>;
  /**
   * Routes of your own beside the resources, under the version prefix.
   *
   * @example
   * ```ts
   * routes: (api, { requireUser }) => {
   *   api.post('/checks/:id/pause', async (c) => {
   *     const user = await requireUser(c.req.raw);
   *     return c.json({ paused: c.req.param('id'), by: user.id });
   *   });
   * }
   * ```
   */
  routes?: CustomRoutes;
  /** Optional features announced in `GET /` under `capabilities`. */
  capabilities?: Record<string, Capability>;
  /** Receives one line per request (a pino logger fits). Default: no request log. */
  logger?: RequestLogger;
  /**
   * Receives unexpected errors (answered as 500 errno 999) and the errors of `after*` hooks
   * (logged only: the write is committed). Default: the logger, else `console.error`.
   */
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
  const prefix = `/v${parseMajor(options.httpApiVersion)}`;
  const settings = resolveSettings(options.settings);
  const backend = options.backends?.storage ?? memoryStorage();
  const cache = options.backends?.cache ?? memoryCache();
  const permission = options.backends?.permission ?? memoryPermission();
  const auth = options.auth ?? defaultAuth(options.userIdHmacSecret);
  const logError = options.logError ?? defaultErrorLog(options.logger);
  const onError = (error: unknown, c: Parameters<typeof errorResponse>[1]) =>
    errorResponse(error, c, logError, settings.retryAfterSeconds);
  checkResourceNames(options.resources);

  const batch = batchStorage(backend);
  const app = new Hono();
  const api = new Hono();
  api.use(
    '*',
    requestLayers({
      settings,
      isBatch: (path) => path.endsWith(`${prefix}/batch`),
      logger: options.logger,
      onError,
    }),
  );
  const identify = createIdentify({ policies: auth, principals: options.principals, cache });
  const hello = mountUtilities(api, {
    project: options.project,
    httpApiVersion: options.httpApiVersion,
    prefix,
    settings,
    identify,
    checks: {
      storage: () => backend.heartbeat(),
      permission: () => permission.heartbeat(),
      cache: () => cache.heartbeat(),
    },
    capabilities: options.capabilities ?? {},
  });
  mountBatch(api, {
    settings,
    prefix,
    batch,
    dispatch: async (request) => app.fetch(request),
    // Defined below, once every route is mounted.
    answerDirectly: (request) => answerDirectly(request),
  });
  const childrenOf = (name: string) =>
    options.resources.filter((child) => child.parent?.name === name);
  const challenge = challengeOf(auth);
  // Custom routes first: a fixed path such as `/checks/:id/pause` must win over a resource's.
  const before = api.routes.length;
  options.routes?.(
    api,
    routeTools(identify, challenge, { storage: batch.storage, permission, cache }),
  );
  const customRoutes = api.routes.slice(before);
  const counts = recordCounts(batch.storage, batch.inTransaction);
  const resourceRoutes: ResourceRoute[] = [];
  for (const resource of options.resources) {
    const routes = mountResource(api, {
      resource,
      childrenOf,
      storage: batch.storage,
      counts,
      // The write is committed: a failing `after*` hook is logged, and the answer stays the
      // write's (a 500 would have clients retry, and create the record twice).
      afterCommit: (work, request) =>
        batch.afterCommit(async () => {
          try {
            await work();
          } catch (error) {
            logError(error, request);
          }
        }),
      permission,
      settings,
      identify,
      challenge,
    });
    resourceRoutes.push(...routes);
  }
  const answerDirectly = directSubRequests({
    prefix,
    routes: resourceRoutes,
    customRoutes,
    settings,
    logger: options.logger,
    logError,
  });
  api.onError(onError);

  app.route(prefix, api);
  app.all('*', versionFallback(prefix, hello));
  app.onError(onError);
  return app;
}

function parseMajor(version: string): number {
  const match = /^(\d+)\.(\d+)$/.exec(version);
  if (!match) throw new TypeError(`httpApiVersion must be "MAJOR.MINOR", got "${version}"`);
  return Number(match[1]);
}

function defaultAuth(secret: string | undefined): AuthPolicy[] {
  if (!secret)
    throw new TypeError('createApp needs `auth` policies or a `userIdHmacSecret` for Basic auth');
  return [basicAuth({ secret })];
}

function defaultErrorLog(logger: RequestLogger | undefined): ErrorLogger {
  if (logger) return (error) => logger.error({ err: error }, 'request.error');
  return (error) => console.error(error);
}

function checkResourceNames(resources: Resource[]): void {
  const seen = new Set<string>();
  for (const resource of resources) {
    if (resource.parent && !resources.includes(resource.parent)) {
      throw new TypeError(`The parent of "${resource.name}" must be passed to createApp too`);
    }
    if (resource.name === 'users')
      throw new TypeError('"users" is reserved for shared user collections');
    if (resource.name === 'batch')
      throw new TypeError('"batch" is reserved for the batch endpoint');
    if (seen.has(resource.name))
      throw new TypeError(`Resource "${resource.name}" is declared twice`);
    seen.add(resource.name);
  }
}
