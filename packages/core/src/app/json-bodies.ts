/**
 * The bodies of the JSON responses the resource endpoints make, kept by response, so that the
 * batch endpoint takes each sub-response's body as the value it was made from instead of
 * reading its text and parsing it again. The batch serialises them all in its own answer, so
 * its clients see the same JSON either way.
 *
 * @module
 */
import type { Context } from 'hono';

const bodies = new WeakMap<Response, unknown>();

/** `c.json(body, status, headers)`, remembering `body`. */
export function jsonResponse(
  c: Context,
  body: object,
  status: number,
  headers: Record<string, string>,
): Response {
  const response = c.json(body, status as 200, headers);
  bodies.set(response, body);
  return response;
}

/** The body `response` was made from by `jsonResponse`, or `undefined`. */
export function jsonBodyOf(response: Response): unknown {
  return bodies.get(response);
}
