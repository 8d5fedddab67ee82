/**
 * What the batch endpoint passes to its sub-requests, and takes from their responses, beside
 * HTTP: a sub-request the app routes (those to resource endpoints are answered directly, see
 * `direct-sub-requests.ts`) is a real `Request` dispatched to the app, but the batch already
 * parsed and checked its body, knows the path the app is mounted under, and serialises every
 * sub-response into its own answer. Kept by request or response object, so nothing else sees
 * them.
 *
 * @module
 */
import type { Context } from 'hono';
import type { JsonValue } from '../storage/types.js';

const parsedBodies = new WeakMap<Request, JsonValue>();
const mounts = new WeakMap<Request, string>();
const madeBodies = new WeakMap<Response, unknown>();

/**
 * Hands `request` its body as a value too, so that Pawl's endpoints need not read and parse
 * its serialised copy again (custom routes still read that copy).
 */
export function withParsedBody(request: Request, body: JsonValue): Request {
  parsedBodies.set(request, body);
  return request;
}

/** The body `withParsedBody` gave `request`, or `undefined`. */
export function parsedBodyOf(request: Request): JsonValue | undefined {
  return parsedBodies.get(request);
}

/**
 * Marks `request` as made inside the app mounted under `mount` (`/api` for an app routed at
 * `/api` in a host app): the app's own routes do not include the mount path, yet the URLs its
 * sub-responses carry (`Next-Page`) must.
 */
export function withMount(request: Request, mount: string): Request {
  if (mount) mounts.set(request, mount);
  return request;
}

/** The mount path `withMount` gave `request`, or `''`. */
export function mountOf(request: Request): string {
  return mounts.get(request) ?? '';
}

/** `c.json(body, status, headers)`, remembering `body` for `madeBodyOf`. */
export function jsonResponse(
  c: Context,
  body: object,
  status: number,
  headers: Record<string, string>,
): Response {
  const response = c.json(body, status as 200, headers);
  madeBodies.set(response, body);
  return response;
}

/** The body `response` was made from by `jsonResponse`, or `undefined`. */
export function madeBodyOf(response: Response): unknown {
  return madeBodies.get(response);
}
