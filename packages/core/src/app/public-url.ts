/**
 * The URL a client used, as seen from outside: the configured public URL, else the forwarded
 * scheme and host when the proxy is trusted, else the request's own. Used wherever Pawl writes
 * absolute URLs (`url` in `GET /`, `Next-Page`).
 *
 * @module
 */
import { mountOf } from './batch-sub-requests.js';
import type { Settings } from './settings.js';

export function publicRequestUrl(request: Request, settings: Settings): URL {
  const url = new URL(request.url);
  // A batch's sub-request, dispatched to an app mounted in a host app (see batch-sub-requests.ts).
  const mount = mountOf(request);
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
