/**
 * API keys in the `X-Api-Key` header, each mapped to a principal and to read-only or
 * read-write access. A read-only key may only read: its writes answer 403.
 *
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ERRNO, HttpError } from '../errors/index.js';
import type { AuthPolicy, Identity } from './auth-policy.js';

export interface ApiKey {
  /** The secret the client sends. */
  key: string;
  /** Who the key acts as, e.g. `project:42`. The user id becomes `apikey:<principal>`. */
  principal: string;
  /** `'read'` keys may only read. Default: `'write'`. */
  access?: 'read' | 'write';
}

export interface ApiKeyAuthOptions {
  /** The known keys, or a function looking one up (return `null` when unknown). */
  keys: ApiKey[] | ((key: string) => Promise<ApiKey | null> | ApiKey | null);
  /** The header carrying the key. Default: `X-Api-Key`. */
  header?: string;
}

/** The principal added to identities of read-only keys. */
export const READ_ONLY_PRINCIPAL = 'system.ReadOnly';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * @example
 * ```ts
 * auth: [apiKeyAuth({ keys: [{ key: process.env.API_KEY!, principal: 'project:1' },
 *                            { key: process.env.READ_KEY!, principal: 'project:1', access: 'read' }] })]
 * ```
 */
export function apiKeyAuth(options: ApiKeyAuthOptions): AuthPolicy {
  const header = options.header ?? 'X-Api-Key';
  const lookup = typeof options.keys === 'function' ? options.keys : staticLookup(options.keys);
  return {
    name: 'apikey',
    challenge: `ApiKey header="${header}"`,
    authenticate: async function apiKeyAuthenticate(request: Request): Promise<Identity | null> {
      const sent = request.headers.get(header);
      if (sent === null) return null;
      const found = sent.trim() === '' ? null : await lookup(sent.trim());
      if (!found) {
        throw new HttpError({
          code: 401,
          errno: ERRNO.INVALID_AUTH_TOKEN,
          message: `Invalid ${header}`,
          headers: { 'WWW-Authenticate': `ApiKey header="${header}"` },
        });
      }
      if (found.access === 'read' && !READ_METHODS.has(request.method)) {
        throw new HttpError({
          code: 403,
          errno: ERRNO.FORBIDDEN,
          message: 'This API key is read-only.',
        });
      }
      return {
        userId: `apikey:${found.principal}`,
        principals: [found.principal, ...(found.access === 'read' ? [READ_ONLY_PRINCIPAL] : [])],
      };
    },
  };
}

/** Compares every known key in constant time, so timing tells nothing about near misses. */
function staticLookup(keys: ApiKey[]): (key: string) => ApiKey | null {
  const digests = keys.map((entry) => ({ entry, digest: sha256(entry.key) }));
  return (key) => {
    const digest = sha256(key);
    let found: ApiKey | null = null;
    for (const candidate of digests) {
      if (timingSafeEqual(candidate.digest, digest)) found = candidate.entry;
    }
    return found;
  };
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
