/**
 * HTTP Basic authentication. Any `user:password` pair is accepted and maps to the user id
 * `basicauth:` + hex HMAC-SHA256(secret, "user:password"): the same credentials are always the
 * same user, and the password is never stored.
 *
 * @module
 */
import { createHash, createHmac } from 'node:crypto';
import type { CacheBackend } from '../cache/types.js';
import { ERRNO, HttpError } from '../errors/index.js';
import type { AuthPolicy, Identity } from './auth-policy.js';

export interface BasicAuthOptions {
  /** The HMAC key. Changing it changes every user id. */
  secret: string;
  /** The realm named in the `WWW-Authenticate` challenge. */
  realm?: string;
}

const CACHE_SIZE = 1024;
const CACHE_TTL_SECONDS = 3600;
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * @example
 * ```ts
 * const app = createApp({ ..., auth: [basicAuth({ secret: process.env.USERID_HMAC_SECRET! })] });
 * ```
 */
export function basicAuth(options: BasicAuthOptions): AuthPolicy {
  if (!options.secret) throw new TypeError('basicAuth needs a non-empty secret');
  const challenge = `Basic realm="${options.realm ?? 'Pawl'}"`;
  // Recently seen headers, in process; then the shared cache; then the HMAC itself.
  const recent = new Map<string, string>();

  async function userIdFor(header: string, cache: CacheBackend): Promise<string> {
    const local = recent.get(header);
    if (local) return local;
    // The cache key is a digest: credentials never reach the cache.
    const key = `basicauth:${createHash('sha256').update(options.secret).update(header).digest('hex')}`;
    const cached = await cache.get(key);
    const userId =
      typeof cached === 'string'
        ? cached
        : `basicauth:${hmac(decodeCredentials(header.slice(6).trim(), challenge))}`;
    if (typeof cached !== 'string') await cache.set(key, userId, CACHE_TTL_SECONDS);
    if (recent.size >= CACHE_SIZE) recent.delete(recent.keys().next().value as string);
    recent.set(header, userId);
    return userId;
  }

  function hmac(credentials: string): string {
    return createHmac('sha256', options.secret).update(credentials).digest('hex');
  }

  return {
    name: 'basicauth',
    challenge,
    authenticate: async function basicAuthenticate(request, tools): Promise<Identity | null> {
      const header = request.headers.get('Authorization');
      if (!header || !/^basic /i.test(header)) return null;
      return { userId: await userIdFor(header, tools.cache) };
    },
  };
}

function decodeCredentials(encoded: string, challenge: string): string {
  const refuse = () =>
    new HttpError({
      code: 401,
      errno: ERRNO.INVALID_AUTH_TOKEN,
      message: 'Invalid Basic credentials',
      headers: { 'WWW-Authenticate': challenge },
    });
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw refuse();
  // Strict UTF-8 that keeps a leading BOM: a lenient decoder would map different invalid
  // bytes to the same U+FFFD (or drop a BOM), and so different credentials to the same user.
  let decoded: string;
  try {
    decoded = STRICT_UTF8.decode(Buffer.from(encoded, 'base64'));
  } catch {
    throw refuse();
  }
  const colon = decoded.indexOf(':');
  if (colon < 1) throw refuse();
  return decoded;
}
