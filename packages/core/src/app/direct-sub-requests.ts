/**
 * The direct path of batch sub-requests: one addressed to a resource endpoint is answered by
 * calling the endpoint, with the same steps the app's middlewares take around it (operator
 * controls, `Accept`, error envelope, CORS headers, request log), but without building a
 * `Request` with a body, routing through Hono, or serialising and parsing a `Response`: in a
 * batch of creates, that was a quarter of each record's time (284 → 214 µs in process). Anything else (custom
 * routes, utility routes, paths the URL parser would change or Hono would decode or redirect)
 * goes through the app.
 *
 * @module
 */

import { TrieRouter } from 'hono/router/trie-router';
import type { RouterRoute } from 'hono/types';
import type { EndpointResponse, ExposedHeaders } from '../endpoints/endpoint-context.js';
import { assertAcceptsJson } from '../protocol/content-negotiation.js';
import type { JsonValue } from '../storage/types.js';
import type { SubResponse } from './batch-route.js';
import { withMount } from './batch-sub-requests.js';
import { corsHeaders } from './cors.js';
import { type ErrorLogger, errorAnswer } from './error-response.js';
import { checkOperatorControls, operatorHeaders } from './operator-controls.js';
import { logRequestSummary, type RequestLogger } from './request-log.js';
import type { EndpointCall, ResourceRoute } from './resource-routes.js';
import type { Settings } from './settings.js';

/** A sub-request as the batch parsed it, its headers merged with the batch's. */
export interface DirectSubRequest {
  method: string;
  /** Under the version prefix, with its query string. */
  path: string;
  headers: Headers;
  body: JsonValue | undefined;
  /** The batch request's origin, `http://host:port`. */
  origin: string;
  /** The path the app is mounted under in a host app (see `withMount`). */
  mount: string;
}

/** Answers a sub-request directly, or returns `undefined` for one the app must route. */
export type AnswerDirectly = (request: DirectSubRequest) => Promise<SubResponse> | undefined;

export interface DirectSubRequestOptions {
  prefix: string;
  routes: readonly ResourceRoute[];
  /** The routes and middlewares the app's own code added: they take precedence. */
  customRoutes: readonly RouterRoute[];
  settings: Settings;
  logger: RequestLogger | undefined;
  logError: ErrorLogger;
}

interface CompiledRoute {
  path: RegExp;
  names: string[];
  methods: ReadonlyMap<string, EndpointCall>;
}

/** `/articles/:id` as a regular expression with one group per parameter. */
function compile(route: ResourceRoute): CompiledRoute {
  const names: string[] = [];
  const source = route.pattern
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(segment.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { path: new RegExp(`^${source}$`), names, methods: route.methods };
}

export function directSubRequests(options: DirectSubRequestOptions): AnswerDirectly {
  const { prefix, settings, logger, logError } = options;
  const routes = options.routes.map(compile);
  const custom = new TrieRouter<true>();
  for (const route of options.customRoutes) custom.add(route.method, route.path, true);
  const hasCustom = options.customRoutes.length > 0;

  function find(method: string, path: string) {
    for (const route of routes) {
      const match = route.path.exec(path);
      if (!match) continue;
      const call = route.methods.get(method);
      if (!call) return undefined;
      const params: Record<string, string> = {};
      route.names.forEach((name, index) => {
        params[name] = match[index + 1] as string;
      });
      return { call, params };
    }
    return undefined;
  }

  return function answerDirectly(request) {
    const query = request.path.indexOf('?');
    const pathname = query < 0 ? request.path : request.path.slice(0, query);
    if (!pathname.startsWith(`${prefix}/`)) return undefined;
    // A path the URL parser changes (`#`, `\`, `.` segments, tabs, characters it encodes),
    // or one Hono's router decodes (`%`), takes the app's way.
    const url = new URL(request.path, request.origin);
    if (url.pathname + url.search !== request.path || pathname.includes('%')) return undefined;
    const relative = pathname.slice(prefix.length);
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    if (hasCustom && custom.match(method, relative)[0].length > 0) return undefined;
    const found = find(method, relative);
    if (!found) return undefined;
    return answer(found.call, found.params, request, pathname);
  };

  async function answer(
    call: EndpointCall,
    params: Record<string, string>,
    sub: DirectSubRequest,
    pathname: string,
  ): Promise<SubResponse> {
    const started = performance.now();
    const request = withMount(
      new Request(sub.origin + sub.path, { method: sub.method, headers: sub.headers }),
      sub.mount,
    );
    let uid: string | null = null;
    let errno: number | null = null;
    const failed = (error: unknown): Answer => {
      const made = errorAnswer(error, request, logError, settings.retryAfterSeconds);
      errno = made.errno;
      return { ...made, expose: 'write', json: true };
    };
    // The same layers, in the same order, as the app's middlewares around an endpoint.
    let result: Answer;
    try {
      const alert = checkOperatorControls(settings, sub.method, false);
      try {
        assertAcceptsJson(sub.headers);
        const response = await call(request, params, sub.body, (user) => {
          uid = user.id;
        });
        result = endpointAnswer(response, sub.method);
      } catch (error) {
        result = failed(error);
      }
      Object.assign(result.headers, operatorHeaders(settings, alert, result.status));
    } catch (error) {
      result = failed(error);
    }
    Object.assign(
      result.headers,
      corsHeaders(settings.corsOrigins, sub.headers.get('Origin') ?? undefined, result.expose),
    );
    if (logger) {
      const code = result.status;
      logRequestSummary(logger, { method: sub.method, path: pathname, code, started, uid, errno });
    }
    return {
      status: result.status,
      path: sub.path,
      body: sub.method === 'HEAD' ? null : result.body,
      headers: asResponseHeaders(result.headers, result.json),
    };
  }
}

interface Answer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
  expose: ExposedHeaders;
  /** Whether the app would have sent the body as JSON (with its `Content-Type`). */
  json: boolean;
}

function endpointAnswer(response: EndpointResponse, method: string): Answer {
  const json = method !== 'HEAD' && response.body !== null;
  return {
    status: response.status,
    body: json ? response.body : null,
    headers: { ...response.headers },
    expose: response.expose,
    json,
  };
}

/** The headers as a sub-response shows those of a `Response`: lowercase names, sorted. */
function asResponseHeaders(headers: Record<string, string>, json: boolean): Record<string, string> {
  const named: Record<string, string> = {};
  if (json) named['content-type'] = 'application/json';
  for (const [name, value] of Object.entries(headers)) named[name.toLowerCase()] = value;
  const shown: Record<string, string> = {};
  for (const name of Object.keys(named).sort()) shown[name] = named[name] as string;
  return shown;
}
