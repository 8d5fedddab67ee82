/**
 * Mounts the collection and record endpoints of one resource on a Hono app.
 *
 * @module
 */
import type { Context, Hono } from 'hono';
import type { AuthPolicy } from '../auth/auth-policy.js';
import { deleteRecords, listRecords, postRecord } from '../endpoints/collection-endpoints.js';
import type {
  EndpointContext,
  EndpointRequest,
  EndpointResponse,
} from '../endpoints/endpoint-context.js';
import {
  deleteOneRecord,
  getRecord,
  patchRecord,
  putRecord,
} from '../endpoints/record-endpoints.js';
import { methodNotAllowed } from '../errors/index.js';
import { readJsonBody } from '../protocol/request-body.js';
import type { Resource } from '../resource/define-resource.js';
import { generateUlid } from '../resource/record-id.js';
import type { StorageBackend } from '../storage/types.js';
import { requireUser } from './authenticate.js';
import { EXPOSE_KEY } from './cors.js';
import { publicRequestUrl } from './public-url.js';
import { LOG_USER_KEY } from './request-log.js';
import type { Settings } from './settings.js';

export interface ResourceRouteOptions {
  resource: Resource;
  storage: StorageBackend;
  settings: Settings;
  auth: readonly AuthPolicy[];
}

type Handler = (
  context: EndpointContext,
  request: EndpointRequest,
  id: string,
) => Promise<EndpointResponse>;

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

export function mountResource(app: Hono, options: ResourceRouteOptions): void {
  const { resource, storage, settings, auth } = options;
  const generateId = resource.generateId ?? generateUlid;

  async function serve(c: Context, handler: Handler): Promise<Response> {
    const request = c.req.raw;
    const user = await requireUser(auth, request);
    c.set(LOG_USER_KEY as never, user.id as never);
    const body = WITH_BODY.has(request.method)
      ? await readJsonBody(request, settings.maxBodyBytes)
      : undefined;
    const context: EndpointContext = {
      resource,
      storage,
      settings,
      collection: { resource: resource.name, parentId: user.id },
      generateId,
      afterCommit: [],
    };
    const endpointRequest: EndpointRequest = {
      method: request.method,
      url: publicRequestUrl(request, settings),
      headers: request.headers,
      user,
      body,
    };
    const response = await handler(context, endpointRequest, c.req.param('id') ?? '');
    for (const work of context.afterCommit) await work();
    c.set(EXPOSE_KEY as never, response.expose as never);
    if (request.method === 'HEAD') return c.body(null, response.status as 200, response.headers);
    return c.json(response.body as object, response.status as 200, response.headers);
  }

  const collectionPath = `/${resource.name}`;
  const recordPath = `/${resource.name}/:id`;
  const notAllowed = () => {
    throw methodNotAllowed();
  };

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
