/**
 * The collection endpoint, `/{resource}`: list (GET), count (HEAD), create (POST) and bulk
 * deletion (DELETE).
 *
 * @module
 */
import { invalidPostedData, methodNotAllowed, unauthorized } from '../errors/index.js';
import { OWNER } from '../permission/access.js';
import { encodeToken } from '../protocol/pagination-token.js';
import { selectFields } from '../protocol/partial-fields.js';
import { checkCollection, checkRecord, parsePreconditions } from '../protocol/preconditions.js';
import { parseEnvelope } from '../protocol/request-body.js';
import { isValidRecordId } from '../resource/record-id.js';
import { getPath } from '../storage/json-order.js';
import type { Filter, JsonValue, StoredRecord, Tombstone } from '../storage/types.js';
import {
  type EndpointContext,
  type EndpointRequest,
  type EndpointResponse,
  notModified,
  timestampHeaders,
} from './endpoint-context.js';
import { parseListParameters } from './list-parameters.js';
import {
  permissionNames,
  refuse,
  rightsOn,
  storePermissions,
  visiblePermissions,
} from './record-permissions.js';
import { createRecord, deleteRecord } from './record-writes.js';

/** GET and HEAD on a collection: a page of records (or only its headers), filtered and sorted. */
export async function listRecords(
  context: EndpointContext,
  request: EndpointRequest,
): Promise<EndpointResponse> {
  const { storage, collection, resource, settings } = context;
  const conditions = parsePreconditions(request.headers);
  const params = request.url.searchParams;
  const query = parseListParameters(resource, params, settings.maxPageSize);
  // Who may see nothing learns nothing, not even the collection timestamp.
  const readable = await readableOnly(context, request);
  const timestamp = await storage.timestamp(collection);
  if (checkCollection(conditions, timestamp, true)) return notModified(timestamp);

  // Every page shows the collection as of the first page's timestamp (see pagination-token.ts)
  // and repeats the first page's `Total-Records`: a walk through the pages counts once.
  const { token } = query;
  const snapshot = token?.snapshot ?? timestamp;
  const filters: Filter[] = [
    ...query.filters,
    ...(token ? [{ path: ['last_modified'], operator: 'max', value: snapshot } as const] : []),
    ...readable,
  ];
  const includeDeleted = query.includeDeleted;
  // Later pages describe the collection as of the first page: their ETag says so, and a
  // client that keeps the last ETag it saw polls from there without missing a change.
  const headers = timestampHeaders(snapshot);

  const total =
    token?.total !== undefined
      ? Promise.resolve(token.total)
      : context.counts.count(collection, { filters, includeDeleted }, timestamp);
  if (request.method === 'HEAD') {
    headers['Total-Records'] = String(await total);
    return { status: 200, body: null, headers, expose: 'list' };
  }
  // Awaited together: a failure of either is the request's, and none is left unhandled.
  const [items, counted] = await Promise.all([
    storage.list(collection, {
      filters,
      sort: query.sort,
      after: token?.after,
      limit: query.limit + 1,
      includeDeleted,
    }),
    total,
  ]);
  headers['Total-Records'] = String(counted);
  const page = items.slice(0, query.limit);
  const last = page[page.length - 1];
  if (items.length > query.limit && last) {
    const after = query.sort.map((key) => (getPath(last, key.path) ?? null) as JsonValue);
    const next = new URL(request.url);
    next.searchParams.set('_limit', String(query.limit));
    next.searchParams.set('_token', encodeToken({ after, snapshot, total: counted }, query.sort));
    headers['Next-Page'] = next.toString();
  }
  const fields = query.fields;
  const data = fields ? page.map((item) => selectFields(item, fields)) : page;
  return { status: 200, body: { data }, headers, expose: 'list' };
}

/**
 * Without the right to read the whole collection, a caller sees the records whose own
 * permissions let them read; tombstones keep their permissions until purged, so pollers learn
 * of deletions of what they could read and of nothing else.
 */
async function readableOnly(context: EndpointContext, request: EndpointRequest): Promise<Filter[]> {
  if (context.access.read) return [];
  const { recordsPath } = context.place;
  const granting = [OWNER, ...permissionNames(context)];
  const objectIds = await context.permission.accessible(recordsPath, request.principals, granting);
  if (objectIds.length === 0 && !request.user) throw unauthorized(context.challenge);
  const ids = objectIds.map((objectId) => objectId.slice(recordsPath.length + 1));
  return [{ path: ['id'], operator: 'in', value: ids }];
}

/** POST on a collection: creates a record, or returns the existing one when its id is taken. */
export async function postRecord(
  context: EndpointContext,
  request: EndpointRequest,
): Promise<EndpointResponse> {
  const { storage, collection } = context;
  const conditions = parsePreconditions(request.headers);
  const { data = {}, permissions } = parseEnvelope(request.body, permissionNames(context));
  const postedId = data.id;
  if (postedId !== undefined && (typeof postedId !== 'string' || !isValidRecordId(postedId))) {
    throw invalidPostedData([{ location: 'body', name: 'id', description: 'Invalid record id' }]);
  }
  return storage.transaction(async (session) => {
    const existing = postedId === undefined ? null : await session.get(collection, postedId);
    const rights = existing ? await rightsOn(context, request, existing.id) : null;
    if (rights ? !rights.read : !context.access.create) throw refuse(context, request, true, '');
    const timestamp = await session.timestamp(collection);
    if (existing || conditions.ifMatch === '*') {
      await checkRecord(conditions, existing, false, async () => timestamp);
    } else {
      checkCollection(conditions, timestamp, false);
    }
    if (existing) {
      const body = {
        data: existing,
        ...(rights?.write ? { permissions: await visiblePermissions(context, existing.id) } : {}),
      };
      return { status: 200, body, headers: {}, expose: 'write' };
    }
    const id = postedId ?? context.generateId();
    const record = await createRecord(context, session, request.user, { ...data, id });
    const shown = await storePermissions(context, request, id, permissions, 'create');
    const body = { data: record, permissions: shown };
    return { status: 201, body, headers: {}, expose: 'write' };
  });
}

/** DELETE on a collection: deletes every matching record (when the resource allows it). */
export async function deleteRecords(
  context: EndpointContext,
  request: EndpointRequest,
): Promise<EndpointResponse> {
  const { storage, collection, resource, settings } = context;
  if (!resource.allowCollectionDelete) {
    throw methodNotAllowed('Deleting a whole collection is disabled.');
  }
  if (!context.access.write) throw refuse(context, request, true, '');
  const conditions = parsePreconditions(request.headers);
  const query = parseListParameters(resource, request.url.searchParams, settings.maxPageSize);
  return storage.transaction(async (session) => {
    checkCollection(conditions, await session.timestamp(collection), false);
    const matching = (await session.list(collection, {
      filters: query.filters,
      sort: query.sort,
    })) as StoredRecord[];
    const deleted: Tombstone[] = [];
    for (const record of matching) {
      deleted.push(await deleteRecord(context, session, request.user, record, undefined));
    }
    return { status: 200, body: { data: deleted }, headers: {}, expose: 'write' };
  });
}
