/**
 * `POST /batch`: several requests in one, answered in order, in one storage transaction.
 * Each sub-request goes through the app like a direct request (auth, validation,
 * preconditions). A 4xx answer is reported and the others still commit; a 5xx answer rolls
 * the whole batch back and becomes the batch's own answer.
 *
 * @module
 */
import type { Hono } from 'hono';
import { ERRNO, HttpError, invalidParameter } from '../errors/index.js';
import { isObject, readJsonBody } from '../protocol/request-body.js';
import type { JsonValue } from '../storage/types.js';
import type { BatchStorage } from './batch-storage.js';
import { madeBodyOf, withMount, withParsedBody } from './batch-sub-requests.js';
import type { AnswerDirectly } from './direct-sub-requests.js';
import type { Settings } from './settings.js';

const METHODS = new Set(['GET', 'HEAD', 'DELETE', 'POST', 'PUT', 'PATCH']);
const KEYS = new Set(['method', 'path', 'headers', 'body']);
/** Headers of the batch request that describe its own body, not the sub-requests'. */
const OWN_HEADERS = new Set(['content-length', 'content-type', 'transfer-encoding', 'connection']);

interface SubRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: { [key: string]: JsonValue } | undefined;
}

export interface SubResponse {
  status: number;
  path: string;
  body: unknown;
  headers: Record<string, string>;
}

export interface BatchRouteOptions {
  settings: Settings;
  prefix: string;
  batch: BatchStorage;
  /** Serves one sub-request through the whole app. */
  dispatch: (request: Request) => Promise<Response>;
  /** Answers a sub-request to a resource endpoint without going through the app. */
  answerDirectly: AnswerDirectly;
}

class RolledBack extends Error {
  constructor(readonly response: SubResponse) {
    super('A sub-request failed with a server error');
  }
}

export function mountBatch(app: Hono, options: BatchRouteOptions): void {
  const { settings, prefix, batch } = options;

  app.post('/batch', async function postBatch(c) {
    const body = await readJsonBody(c.req.raw, settings.maxBodyBytes);
    const requests = parseBatch(body, settings.batchMaxRequests, prefix);
    const batchUrl = new URL(c.req.url);
    const origin = batchUrl.origin;
    // The path the app is mounted under in a host app, before `/v1/batch`.
    const mount = batchUrl.pathname.slice(0, batchUrl.pathname.lastIndexOf(`${prefix}/batch`));
    const inherited = inheritedHeaders(c.req.raw.headers);
    try {
      const responses = await batch.inOneTransaction(async () => {
        const answered: SubResponse[] = [];
        for (const request of requests) {
          const response = await run(request, origin, mount, inherited, options);
          if (response.status >= 500) throw new RolledBack(response);
          answered.push(response);
        }
        return answered;
      });
      return c.json({ responses });
    } catch (error) {
      if (!(error instanceof RolledBack)) throw error;
      return c.json(
        error.response.body as object,
        error.response.status as 500,
        error.response.headers,
      );
    }
  });
}

async function run(
  request: SubRequest,
  origin: string,
  mount: string,
  inherited: Record<string, string>,
  { dispatch, answerDirectly }: BatchRouteOptions,
): Promise<SubResponse> {
  const headers = new Headers(inherited);
  for (const [name, value] of Object.entries(request.headers)) headers.set(name, value);
  if (request.body !== undefined) headers.set('Content-Type', 'application/json');
  const { method, path } = request;
  const withBody = request.body !== undefined && method !== 'GET' && method !== 'HEAD';
  // A copy: `defaults` can give several sub-requests the same body object.
  const body = withBody ? structuredClone(request.body) : undefined;
  const direct = answerDirectly({ method, path, headers, body, origin, mount });
  if (direct) return direct;
  const subRequest = withMount(
    new Request(origin + path, {
      method,
      headers,
      // Custom routes read it as any body; Pawl's endpoints take the parsed copy below.
      body: withBody ? JSON.stringify(body) : undefined,
    }),
    mount,
  );
  const response = await dispatch(
    body !== undefined ? withParsedBody(subRequest, body) : subRequest,
  );
  const made = madeBodyOf(response);
  return {
    status: response.status,
    path,
    body: made !== undefined ? made : parseBody(await response.text()),
    headers: Object.fromEntries(response.headers),
  };
}

function parseBody(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function inheritedHeaders(headers: Headers): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of headers) if (!OWN_HEADERS.has(name)) result[name] = value;
  return result;
}

function invalidBatch(description: string): HttpError {
  return new HttpError({
    code: 400,
    errno: ERRNO.INVALID_PARAMETERS,
    message: `requests in body: ${description}`,
    details: [{ location: 'body', name: 'requests', description }],
  });
}

/** Checks the payload, merges `defaults` into each request and puts paths under the version prefix. */
function parseBatch(body: JsonValue | undefined, max: number, prefix: string): SubRequest[] {
  if (!isObject(body)) throw invalidBatch('The body must be a JSON object with a requests list');
  for (const key of Object.keys(body)) {
    if (key !== 'requests' && key !== 'defaults') throw invalidBatch(`Unknown attribute ${key}`);
  }
  const { requests, defaults = {} } = body;
  if (!Array.isArray(requests) || requests.length === 0)
    throw invalidBatch('requests must be a non-empty list');
  if (requests.length > max) throw invalidBatch(`Number of requests is limited to ${max}`);
  if (!isObject(defaults)) throw invalidBatch('defaults must be an object');
  return requests.map((request, index) => {
    if (!isObject(request)) throw invalidBatch(`Request ${index} must be an object`);
    return parseSubRequest(mergeDefaults(request, defaults), index, prefix);
  });
}

function parseSubRequest(
  spec: { [key: string]: JsonValue },
  index: number,
  prefix: string,
): SubRequest {
  for (const key of Object.keys(spec)) {
    if (!KEYS.has(key)) throw invalidBatch(`Request ${index}: unknown attribute ${key}`);
  }
  const method = spec.method === undefined ? 'GET' : spec.method;
  if (typeof method !== 'string' || !METHODS.has(method.toUpperCase())) {
    throw invalidBatch(`Request ${index}: invalid method`);
  }
  const { path, headers = {}, body } = spec;
  if (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('//')) {
    throw invalidBatch(`Request ${index}: path must start with /`);
  }
  const full =
    path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}?`)
      ? path
      : prefix + path;
  if (/^[^?]*\/batch(\/|\?|$)/.test(full)) {
    throw invalidParameter('body', 'requests', 'Recursive call on /batch endpoint is forbidden.');
  }
  if (!isObject(headers) || !Object.values(headers).every((value) => typeof value === 'string')) {
    throw invalidBatch(`Request ${index}: headers must map names to strings`);
  }
  if (body !== undefined && !isObject(body))
    throw invalidBatch(`Request ${index}: body must be an object`);
  return {
    method: method.toUpperCase(),
    path: full,
    headers: headers as Record<string, string>,
    body,
  };
}

/** Fills what a request leaves out from `defaults`, recursively for objects. */
function mergeDefaults(
  request: { [key: string]: JsonValue },
  defaults: { [key: string]: JsonValue },
): { [key: string]: JsonValue } {
  const merged: { [key: string]: JsonValue } = { ...request };
  for (const [key, value] of Object.entries(defaults)) {
    const own = merged[key];
    if (own === undefined) merged[key] = value;
    else if (isObject(own) && isObject(value)) merged[key] = mergeDefaults(own, value);
  }
  return merged;
}
