/**
 * Runs the auth policies in order and turns the result into a `RequestUser`, with the
 * principals an app adds (groups, roles) through its hook.
 *
 * @module
 */
import { AUTHENTICATED, type AuthPolicy, EVERYONE } from '../auth/auth-policy.js';
import type { CacheBackend } from '../cache/types.js';
import type { RequestUser } from '../resource/define-resource.js';

/** Extra principals of a user, e.g. the groups it belongs to. */
export type PrincipalsHook = (
  user: { id: string; principals: string[] },
  request: Request,
) => string[] | Promise<string[]>;

/** Finds the user behind a request, or `null` for an anonymous one. */
export type Identify = (request: Request) => Promise<RequestUser | null>;

export interface IdentifyOptions {
  policies: readonly AuthPolicy[];
  principals: PrincipalsHook | undefined;
  cache: CacheBackend;
}

/** Tries each policy in order; the first that recognises the request decides. */
export function createIdentify(options: IdentifyOptions): Identify {
  const { policies, principals: hook, cache } = options;
  return async function identify(request) {
    for (const policy of policies) {
      const identity = await policy.authenticate(request, { cache });
      if (identity) {
        const base = [identity.userId, ...(identity.principals ?? [])];
        const extra = hook ? await hook({ id: identity.userId, principals: base }, request) : [];
        const principals = [...base, ...extra, AUTHENTICATED, EVERYONE];
        return { id: identity.userId, principals: [...new Set(principals)] };
      }
    }
    return null;
  };
}

/** The `WWW-Authenticate` value of 401 answers: every policy's challenge. */
export function challengeOf(policies: readonly AuthPolicy[]): string {
  const challenges = policies.map((policy) => policy.challenge).filter(Boolean);
  return challenges.join(', ') || 'Basic realm="Pawl"';
}
