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
import type { Resource } from '../resource/define-resource.js';
import { generateUlid, isValidRecordId } from '../resource/record-id.js';
import {
  type AncestorRef,
  collectionPatterns,
  locateCollection,
} from '../resource/resource-tree.js';
import type { StorageBackend } from '../storage/types.js';
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

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

export function mountResource(app: Hono, options: ResourceRouteOptions): void {
  const { resource, storage, counts, permission, settings, identify, challenge } = options;
  const { afterCommit } = options;
  const generateId = resource.generateId ?? generateUlid;
  const children = options.childrenOf(resource.name);

  async function serve(c: Context, handler: Handler): Promise<Response> {
    const request = c.req.raw;
    const user = await identify(request);
    if (user) c.set(LOG_USER_KEY as never, user.id as never);
    const params = c.req.param() as Record<string, string | undefined>;
    const ownCollection = resource.scope === 'user' && params.owner === undefined;
    if (ownCollection && !user) throw unauthorized(challenge);
    const principals = user?.principals ?? [EVERYONE];
    const location = locateCollection(resource, params, user?.id ?? '');
    const access = await collectionAccess(permission, location.place, user?.id ?? null, principals);
    await checkAncestors(storage, location.ancestors, access.read, user !== null, challenge);
    const body = WITH_BODY.has(request.method)
      ? (parsedBodyOf(request) ?? (await readJsonBody(request, settings.maxBodyBytes)))
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
    c.set(EXPOSE_KEY as never, response.expose as never);
    if (request.method === 'HEAD' || response.body === null) {
      return c.body(null, response.status as 200, response.headers);
    }
    return jsonResponse(c, response.body as object, response.status, response.headers);
  }

  const notAllowed = () => {
    throw methodNotAllowed();
  };
  for (const collectionPath of collectionPatterns(resource)) {
    const recordPath = `${collectionPath}/:id`;
    app.on(['GET', 'HEAD'], collectionPath, (c) => serve(c, listRecords));
    app.post(collectionPath, (c) => serve(c, postRecord));
    app.delete(collectionPath, (c) => serve(c, deleteRecords));
    app.all(collectionPath, notAllowed);

    app.on(['GET', 'HEAD'], recordPath, (c) => serve(c, getRecord));
    app.put(recordPath, (c) => serve(c, putRecord));
    app.patch(recordPath, (c) => serve(c, patchRecord));
    app.delete(recordPath, (c) => serve(c, deleteOneRecord));
    app.all(recordPath, notAllowed);
  }
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
