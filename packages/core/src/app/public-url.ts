/**
 * The URL a client used, as seen from outside: the configured public URL, else the forwarded
 * scheme and host when the proxy is trusted, else the request's own. Used wherever Pawl writes
 * absolute URLs (`url` in `GET /`, `Next-Page`).
 *
 * @module
 */
import type { Settings } from './settings.js';

/** The path an app is mounted under, for the sub-requests a batch builds (see `withMount`). */
const mounts = new WeakMap<Request, string>();

/**
 * Marks `request` as made inside the app mounted under `mount` (`/api` for an app routed at
 * `/api` in a host app): the batch endpoint dispatches its sub-requests to the app itself,
 * whose routes do not include the mount path, yet the URLs they answer with must.
 */
export function withMount(request: Request, mount: string): Request {
  if (mount) mounts.set(request, mount);
  return request;
}

export function publicRequestUrl(request: Request, settings: Settings): URL {
  const url = new URL(request.url);
  const mount = mounts.get(request);
  if (mount) url.pathname = `${mount}${url.pathname}`;
  if (settings.publicUrl) return new URL(`${settings.publicUrl}${url.pathname}${url.search}`);
  if (settings.trustProxy) {
    const proto = firstValue(request.headers.get('X-Forwarded-Proto'));
    const host = firstValue(request.headers.get('X-Forwarded-Host'));
    if (proto && /^https?$/i.test(proto)) url.protocol = `${proto.toLowerCase()}:`;
    if (host && /^[\w.-]+(:\d+)?$/.test(host)) url.host = host;
  }
  return url;
}

function firstValue(header: string | null): string | undefined {
  const value = header?.split(',')[0]?.trim();
  return value ? value : undefined;
}
