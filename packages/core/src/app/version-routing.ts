/**
 * What happens to requests outside the routes: `/v1/` is the hello endpoint, a trailing
 * slash redirects to the path without it, a path without the version prefix redirects under
 * it, another major version is 404 errno 116, anything else 404 errno 111.
 *
 * @module
 */
import type { Context } from 'hono';
import { ERRNO, HttpError, pathNotFound } from '../errors/index.js';

export function versionFallback(prefix: string, hello: (c: Context) => Promise<Response>) {
  return function routeFallback(c: Context): Promise<Response> | Response {
    // When the app is mounted under a path, routePath is `<mount>/*`.
    const mount = c.req.routePath.replace(/\/?\*$/, '');
    const url = new URL(c.req.url);
    // The path as received, still percent-encoded (decoded characters such as CR or NUL may not
    // go into a Location header), with leading slashes collapsed so that no redirect target
    // reads as a protocol-relative URL (`//evil.example`).
    const path = url.pathname.slice(mount.length).replace(/^\/+/, '/') || '/';
    const query = url.search;
    if (path === `${prefix}/`) return hello(c);
    if (path.length > 1 && path.endsWith('/'))
      return c.redirect(`${mount}${path.replace(/\/+$/, '')}${query}`, 307);
    if (path.startsWith(`${prefix}/`)) throw pathNotFound();
    if (/^\/v\d+(\/|$)/.test(path)) {
      throw new HttpError({
        code: 404,
        errno: ERRNO.VERSION_NOT_AVAILABLE,
        message: `Version not available: this service serves ${prefix}`,
      });
    }
    return c.redirect(`${mount}${prefix}${path === '/' ? '/' : path}${query}`, 307);
  };
}
