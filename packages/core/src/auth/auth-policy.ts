import type { CacheBackend } from '../cache/types.js';

/**
 * Authentication policies: each one reads the credentials it understands from a request.
 * `createApp` tries them in order; the first that recognises the request decides.
 *
 * @module
 */

/** Who a policy recognised. */
export interface Identity {
  /** The user id, prefixed by the policy, e.g. `basicauth:9f2c...`. */
  userId: string;
  /** Extra principals (groups, roles) beyond the user id and the `system.*` ones. */
  principals?: string[];
}

export interface AuthPolicy {
  /** A short name, e.g. `'basicauth'`. */
  readonly name: string;
  /** The `WWW-Authenticate` challenge sent with 401 responses, e.g. `Basic realm="Pawl"`. */
  readonly challenge?: string;
  /**
   * The identity behind the request, or `null` when the request carries no credentials this
   * policy understands. Throws an `HttpError` (401) for credentials it understands but refuses.
   */
  authenticate(request: Request, tools: AuthTools): Promise<Identity | null> | Identity | null;
}

/** What the app lends its policies. */
export interface AuthTools {
  /** The app's cache backend, shared by every process when the backend is. */
  cache: CacheBackend;
}

export const EVERYONE = 'system.Everyone';
export const AUTHENTICATED = 'system.Authenticated';
