/**
 * Runs the auth policies in order and turns the result into a `RequestUser`, with the
 * principals an app adds (groups, roles) through its hook.
 *
 * @module
 */
import { AUTHENTICATED, type AuthPolicy, EVERYONE } from '../auth/auth-policy.js';
import type { RequestUser } from '../resource/define-resource.js';

/** Extra principals of a user, e.g. the groups it belongs to. */
export type PrincipalsHook = (
  user: { id: string; principals: string[] },
  request: Request,
) => string[] | Promise<string[]>;

/** The user behind the request, or `null` for an anonymous one. */
export async function identify(
  policies: readonly AuthPolicy[],
  request: Request,
  hook?: PrincipalsHook,
): Promise<RequestUser | null> {
  for (const policy of policies) {
    const identity = await policy.authenticate(request);
    if (identity) {
      const base = [identity.userId, ...(identity.principals ?? [])];
      const extra = hook ? await hook({ id: identity.userId, principals: base }, request) : [];
      const principals = [...base, ...extra, AUTHENTICATED, EVERYONE];
      return { id: identity.userId, principals: [...new Set(principals)] };
    }
  }
  return null;
}

/** The `WWW-Authenticate` value of 401 answers: every policy's challenge. */
export function challengeOf(policies: readonly AuthPolicy[]): string {
  const challenges = policies.map((policy) => policy.challenge).filter(Boolean);
  return challenges.join(', ') || 'Basic realm="Pawl"';
}
