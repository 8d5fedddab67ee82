/**
 * `Authorization: Bearer <token>` checked by a function of the app (an OAuth introspection,
 * a JWT verification, a session lookup...).
 *
 * @module
 */
import { ERRNO, HttpError } from '../errors/index.js';
import type { AuthPolicy, Identity } from './auth-policy.js';

export interface BearerAuthOptions {
  /** Returns who the token belongs to, or `null` when it is not valid. */
  verify: (token: string) => Promise<Identity | null> | Identity | null;
  /** Prefixes user ids, e.g. `'fxa'` → `fxa:<id>`. Default: `'bearer'`. */
  prefix?: string;
  /** The realm named in the `WWW-Authenticate` challenge. */
  realm?: string;
}

/**
 * @example
 * ```ts
 * auth: [bearerAuth({ verify: async (token) => (await sessions.get(token)) ? { userId: 'u1' } : null })]
 * ```
 */
export function bearerAuth(options: BearerAuthOptions): AuthPolicy {
  const prefix = options.prefix ?? 'bearer';
  const challenge = `Bearer realm="${options.realm ?? 'Pawl'}"`;
  return {
    name: 'bearer',
    challenge,
    authenticate: async function bearerAuthenticate(request: Request): Promise<Identity | null> {
      const header = request.headers.get('Authorization');
      if (!header || !/^bearer /i.test(header)) return null;
      const token = header.slice(7).trim();
      const identity = token === '' ? null : await options.verify(token);
      if (!identity) {
        throw new HttpError({
          code: 401,
          errno: ERRNO.INVALID_AUTH_TOKEN,
          message: 'Invalid bearer token',
          headers: { 'WWW-Authenticate': `${challenge}, error="invalid_token"` },
        });
      }
      return { ...identity, userId: `${prefix}:${identity.userId}` };
    },
  };
}
