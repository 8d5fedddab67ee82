/**
 * Runs the auth policies in order and turns the result into a `RequestUser`.
 *
 * @module
 */
import { AUTHENTICATED, type AuthPolicy, EVERYONE } from '../auth/auth-policy.js';
import { unauthorized } from '../errors/index.js';
import type { RequestUser } from '../resource/define-resource.js';

/** The user behind the request, or `null` for an anonymous one. */
export async function identify(
  policies: readonly AuthPolicy[],
  request: Request,
): Promise<RequestUser | null> {
  for (const policy of policies) {
    const identity = await policy.authenticate(request);
    if (identity) {
      const principals = [identity.userId, ...(identity.principals ?? []), AUTHENTICATED, EVERYONE];
      return { id: identity.userId, principals: [...new Set(principals)] };
    }
  }
  return null;
}

/** Like `identify`, but answers 401 with every policy's challenge when nobody is recognised. */
export async function requireUser(
  policies: readonly AuthPolicy[],
  request: Request,
): Promise<RequestUser> {
  const user = await identify(policies, request);
  if (user) return user;
  const challenge = policies
    .map((policy) => policy.challenge)
    .filter(Boolean)
    .join(', ');
  throw unauthorized(challenge || 'Basic realm="Pawl"');
}
