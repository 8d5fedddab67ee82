/**
 * Mounts the collection and record endpoints of one resource on a Hono app.
 *
 * @module
 */
import type { Context, Hono } from 'hono';
import { EVERYONE } from '../auth/auth-policy.js';
import { deleteRecords, listRecords, postRecord } from '../endpoints/collection-endpoints.js';
import type {
  EndpointContext,
  EndpointRequest,
  EndpointResponse,
} from '../endpoints/endpoint-context.js';
import type { RecordCounts } from '../endpoints/record-counts.js';
import {
  deleteOneRecord,
  getRecord,
  patchRecord,
  putRecord,
} from '../endpoints/record-endpoints.js';
import { forbidden } from '../endpoints/record-permissions.js';
import {
  invalidParameter,
  methodNotAllowed,
  recordNotFound,
  unauthorized,
} from '../errors/index.js';
import { collectionAccess } from '../permission/access.js';
import type { PermissionBackend } from '../permission/types.js';
import { readJsonBody } from '../protocol/request-body.js';
import type { RequestUser, Resource } from '../resource/define-resource.js';
import { generateUlid, isValidRecordId } from '../resource/record-id.js';
import {
  type AncestorRef,
  collectionPatterns,
  locateCollection,
} from '../resource/resource-tree.js';
import type { JsonValue, StorageBackend } from '../storage/types.js';
import type { Identify } from './authenticate.js';
import { jsonResponse, parsedBodyOf } from './batch-sub-requests.js';
import { EXPOSE_KEY } from './cors.js';
import { publicRequestUrl } from './public-url.js';
import { LOG_USER_KEY } from './request-log.js';
import type { Settings } from './settings.js';

export interface ResourceRouteOptions {
  resource: Resource;
  /** Resources nested directly under the named one. */
  childrenOf: (resource: string) => readonly Resource[];
  storage: StorageBackend;
  /** `Total-Records`, remembered per collection version. */
  counts: RecordCounts;
  /** Runs work once the request's writes are committed (see `batch-storage.ts`). */
  afterCommit: (work: () => Promise<void> | void, request: Request) => Promise<void>;
  permission: PermissionBackend;
  settings: Settings;
  identify: Identify;
  /** The `WWW-Authenticate` challenge of 401 answers. */
  challenge: string;
}

type Handler = (
  context: EndpointContext,
  request: EndpointRequest,
  id: string,
) => Promise<EndpointResponse>;

/**
 * Answers one request to an endpoint without Hono: `params` are the route's, `body` the parsed
 * JSON body of a method that takes one (read from `request` when `undefined`), and `identified`
 * learns the caller as soon as it is known (for the request log, even when the answer is an
 * error). Throws what the endpoint refuses.
 */
export type EndpointCall = (
  request: Request,
  params: Readonly<Record<string, string | undefined>>,
  body: JsonValue | undefined,
  identified: (user: RequestUser) => void,
) => Promise<EndpointResponse>;

/** The endpoints of one route pattern by method (`GET` also answers `HEAD`). */
export interface ResourceRoute {
  /** A Hono pattern relative to the version prefix, e.g. `/articles/:id`. */
  pattern: string;
  methods: ReadonlyMap<string, EndpointCall>;
}

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** Mounts the endpoints of `options.resource` on `app` and returns its routes. */
export function mountResource(app: Hono, options: ResourceRouteOptions): ResourceRoute[] {
  const { resource, storage, counts, permission, settings, identify, challenge } = options;
  const { afterCommit } = options;
  const generateId = resource.generateId ?? generateUlid;
  const children = options.childrenOf(resource.name);

  function endpoint(handler: Handler): EndpointCall {
    return async function call(request, params, given, identified) {
      const user = await identify(request);
      if (user) identified(user);
      const ownCollection = resource.scope === 'user' && params.owner === undefined;
      if (ownCollection && !user) throw unauthorized(challenge);
      const principals = user?.principals ?? [EVERYONE];
      const location = locateCollection(resource, params, user?.id ?? '');
      const access = await collectionAccess(
        permission,
        location.place,
        user?.id ?? null,
        principals,
      );
      await checkAncestors(storage, location.ancestors, access.read, user !== null, challenge);
      const body = WITH_BODY.has(request.method)
        ? (given ?? (await readJsonBody(request, settings.maxBodyBytes)))
        : undefined;
      const context: EndpointContext = {
        resource,
        children,
        childrenOf: options.childrenOf,
        storage,
        counts,
        permission,
        settings,
        collection: location.collection,
        place: location.place,
        access,
        challenge,
        generateId,
        afterCommit: [],
      };
      const endpointRequest: EndpointRequest = {
        method: request.method,
        url: publicRequestUrl(request, settings),
        headers: request.headers,
        user,
        principals,
        body,
      };
      const response = await handler(context, endpointRequest, params.id ?? '');
      for (const work of context.afterCommit) await afterCommit(work, request);
      return response;
    };
  }

  async function serve(c: Context, call: EndpointCall): Promise<Response> {
    const request = c.req.raw;
    const params = c.req.param() as Record<string, string | undefined>;
    const response = await call(request, params, parsedBodyOf(request), (user) =>
      c.set(LOG_USER_KEY as never, user.id as never),
    );
    c.set(EXPOSE_KEY as never, response.expose as never);
    if (request.method === 'HEAD' || response.body === null) {
      return c.body(null, response.status as 200, response.headers);
    }
    return jsonResponse(c, response.body as object, response.status, response.headers);
  }

  const notAllowed = () => {
    throw methodNotAllowed();
  };
  const routes: ResourceRoute[] = [];
  for (const collectionPath of collectionPatterns(resource)) {
    const recordPath = `${collectionPath}/:id`;
    const collection = new Map([
      ['GET', endpoint(listRecords)],
      ['POST', endpoint(postRecord)],
      ['DELETE', endpoint(deleteRecords)],
    ]);
    const record = new Map([
      ['GET', endpoint(getRecord)],
      ['PUT', endpoint(putRecord)],
      ['PATCH', endpoint(patchRecord)],
      ['DELETE', endpoint(deleteOneRecord)],
    ]);
    for (const [pattern, methods] of [
      [collectionPath, collection],
      [recordPath, record],
    ] as const) {
      for (const [method, call] of methods) {
        const handler = (c: Context) => serve(c, call);
        if (method === 'GET') app.on(['GET', 'HEAD'], pattern, handler);
        else app.on(method, pattern, handler);
      }
      app.all(pattern, notAllowed);
      routes.push({ pattern, methods });
    }
  }
  return routes;
}

/**
 * A nested collection exists only while every ancestor does. Whoever may read the parent
 * learns it is missing (404); others learn nothing (401 anonymous, 403 signed in).
 */
async function checkAncestors(
  storage: StorageBackend,
  ancestors: readonly AncestorRef[],
  mayRead: boolean,
  signedIn: boolean,
  challenge: string,
): Promise<void> {
  for (const ancestor of ancestors) {
    if (!isValidRecordId(ancestor.id)) throw invalidParameter('path', 'id', 'Invalid parent id');
    if (await storage.get(ancestor.collection, ancestor.id)) continue;
    if (mayRead) throw recordNotFound(ancestor.resource.name, ancestor.id);
    if (!signedIn) throw unauthorized(challenge);
    throw forbidden();
  }
}
