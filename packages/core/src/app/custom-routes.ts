/**
 * Routes of the app's own beside the resources (actions such as `POST /checks/{id}/pause`,
 * bare-object responses, other shapes). They live under the version prefix and get what
 * every Pawl route gets: CORS, operator controls, the request log, JSON errors.
 *
 * @module
 */
import type { Hono } from 'hono';
import type { CacheBackend } from '../cache/types.js';
import { unauthorized } from '../errors/index.js';
import type { PermissionBackend } from '../permission/types.js';
import type { RequestUser } from '../resource/define-resource.js';
import type { StorageBackend } from '../storage/types.js';
import type { Identify } from './authenticate.js';

/** What custom routes may use of the app. */
export interface RouteTools {
  /** The caller, or `null` when anonymous. */
  identify: Identify;
  /** The caller; answers 401 with the app's challenge when anonymous. */
  requireUser: (request: Request) => Promise<RequestUser>;
  /** The app's storage: inside `POST /batch`, calls join the batch's transaction. */
  storage: StorageBackend;
  permission: PermissionBackend;
  cache: CacheBackend;
}

/** Registers routes on `api`, whose paths are relative to the version prefix. */
export type CustomRoutes = (api: Hono, tools: RouteTools) => void;

export function routeTools(
  identify: Identify,
  challenge: string,
  backends: Pick<RouteTools, 'storage' | 'permission' | 'cache'>,
): RouteTools {
  return {
    identify,
    requireUser: async (request) => {
      const user = await identify(request);
      if (!user) throw unauthorized(challenge);
      return user;
    },
    ...backends,
  };
}
