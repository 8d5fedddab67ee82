/**
 * The record endpoint, `/{resource}/{id}`: read (GET/HEAD), create or replace (PUT),
 * modify (PATCH) and delete (DELETE).
 *
 * @module
 */
import { invalidParameter, invalidPostedData, recordNotFound } from '../errors/index.js';
import type { Permissions } from '../permission/types.js';
import { parseFields, selectFields } from '../protocol/partial-fields.js';
import { checkRecord, type Preconditions, parsePreconditions } from '../protocol/preconditions.js';
import { isObject, mediaType, parseEnvelope } from '../protocol/request-body.js';
import { isValidRecordId } from '../resource/record-id.js';
import { jsonEquals } from '../storage/json-order.js';
import type { JsonValue, RecordFields, StorageSession, StoredRecord } from '../storage/types.js';
import {
  type EndpointContext,
  type EndpointRequest,
  type EndpointResponse,
  notModified,
  timestampHeaders,
} from './endpoint-context.js';
import { forcedFromQuery } from './forced-timestamp.js';
import {
  permissionNames,
  refuse,
  rightsOn,
  storePermissions,
  visiblePermissions,
} from './record-permissions.js';
import { createRecord, deleteRecord, updateRecord } from './record-writes.js';

function checkId(id: string): void {
  if (!isValidRecordId(id)) throw invalidParameter('path', 'id', 'Invalid record id');
}

/**
 * The live record the caller may write, after checking rights, then preconditions. Missing
 * records answer 404, or 412 when the request had `If-Match`; records the caller may not read
 * answer as if missing (401 when anonymous).
 */
async function writableOrNull(
  context: EndpointContext,
  request: EndpointRequest,
  session: StorageSession,
  id: string,
): Promise<StoredRecord | null> {
  const existing = await session.get(context.collection, id);
  if (existing) {
    const rights = await rightsOn(context, request, id);
    if (!rights.write) throw refuse(context, request, rights.known, id);
  } else if (!context.access.read && request.method !== 'PUT') {
    throw refuse(context, request, false, id);
  }
  return existing;
}

/** The live record PATCH or DELETE acts on: 404 when missing, 412 when `If-Match` fails. */
async function existingToWrite(
  context: EndpointContext,
  request: EndpointRequest,
  session: StorageSession,
  id: string,
  conditions: Preconditions,
): Promise<StoredRecord> {
  const existing = await writableOrNull(context, request, session, id);
  if (!existing && conditions.ifMatch === undefined)
    throw recordNotFound(context.resource.name, id);
  await checkRecord(conditions, existing, false, () => session.timestamp(context.collection));
  if (!existing) throw recordNotFound(context.resource.name, id);
  return existing;
}

/** An `id` in the body must be the one in the URL. */
function checkBodyId(data: RecordFields | undefined, id: string): void {
  if (data?.id !== undefined && data.id !== id) {
    throw invalidPostedData([
      { location: 'body', name: 'id', description: 'Record id does not match existing record' },
    ]);
  }
}

export async function getRecord(
  context: EndpointContext,
  request: EndpointRequest,
  id: string,
): Promise<EndpointResponse> {
  checkId(id);
  const conditions = parsePreconditions(request.headers);
  const fields = parseFields(context.resource, request.url.searchParams.get('_fields'));
  const record = await context.storage.get(context.collection, id);
  const rights = record ? await rightsOn(context, request, id) : null;
  if (rights ? !rights.read : !context.access.read) {
    throw refuse(context, request, rights?.known ?? false, id);
  }
  if (!record && conditions.ifMatch === undefined) throw recordNotFound(context.resource.name, id);
  const collectionTimestamp = () => context.storage.timestamp(context.collection);
  const unchanged = await checkRecord(conditions, record, true, collectionTimestamp);
  if (!record) throw recordNotFound(context.resource.name, id);
  if (unchanged) return notModified(record.last_modified);
  const data = fields ? selectFields(record, fields) : record;
  const body = {
    data,
    ...(rights?.write ? { permissions: await visiblePermissions(context, id) } : {}),
  };
  return { status: 200, body, headers: timestampHeaders(record.last_modified), expose: 'record' };
}

export async function putRecord(
  context: EndpointContext,
  request: EndpointRequest,
  id: string,
): Promise<EndpointResponse> {
  checkId(id);
  const conditions = parsePreconditions(request.headers);
  const { data, permissions } = parseEnvelope(request.body, permissionNames(context));
  checkBodyId(data, id);
  return context.storage.transaction(async (session) => {
    const existing = await writableOrNull(context, request, session, id);
    if (!existing && !context.access.create) {
      throw refuse(context, request, context.access.read, id);
    }
    await checkRecord(conditions, existing, false, () => session.timestamp(context.collection));
    const record = existing
      ? await updateRecord(context, session, request.user, existing, data ?? existing, false)
      : await createRecord(context, session, request.user, { ...(data ?? {}), id });
    // Without `permissions`, a replacement keeps the record's sharing as it was.
    const mode = existing ? (permissions ? 'replace' : 'merge') : 'create';
    const shown = await storePermissions(context, request, id, permissions, mode);
    return written(existing ? 200 : 201, record, record, shown);
  });
}

export async function patchRecord(
  context: EndpointContext,
  request: EndpointRequest,
  id: string,
): Promise<EndpointResponse> {
  checkId(id);
  const conditions = parsePreconditions(request.headers);
  const { data: changes = {}, permissions } = parseEnvelope(request.body, permissionNames(context));
  checkBodyId(changes, id);
  const mergePatch = mediaType(request.headers) === 'application/merge-patch+json';
  const behavior = (request.headers.get('Response-Behavior') ?? 'full').trim().toLowerCase();
  return context.storage.transaction(async (session) => {
    const existing = await existingToWrite(context, request, session, id, conditions);
    const { last_modified: _, ...current } = existing;
    const merged = mergePatch ? mergeDeep(current, changes) : { ...current, ...changes };
    // A change of permissions alone is a change too: pollers must see it.
    const onlyIfChanged = permissions === undefined;
    const record = await updateRecord(
      context,
      session,
      request.user,
      existing,
      merged,
      onlyIfChanged,
    );
    const shown = permissions
      ? await storePermissions(context, request, id, permissions, 'merge')
      : await visiblePermissions(context, id);
    const data = shapePatchResponse(behavior, record, existing, changes);
    return written(200, record, data, shown);
  });
}

export async function deleteOneRecord(
  context: EndpointContext,
  request: EndpointRequest,
  id: string,
): Promise<EndpointResponse> {
  checkId(id);
  const conditions = parsePreconditions(request.headers);
  const forced = forcedFromQuery(request.url.searchParams);
  return context.storage.transaction(async (session) => {
    const existing = await existingToWrite(context, request, session, id, conditions);
    const tombstone = await deleteRecord(context, session, request.user, existing, forced);
    return written(200, tombstone);
  });
}

function written(
  status: number,
  record: { last_modified: number },
  data: unknown = record,
  permissions?: Permissions,
): EndpointResponse {
  return {
    status,
    body: permissions ? { data, permissions } : { data },
    headers: timestampHeaders(record.last_modified),
    expose: 'write',
  };
}

/**
 * `Response-Behavior`: `full` (the whole record), `light` (the fields the request changed),
 * `diff` (of those, the ones stored with a value other than the one sent).
 */
function shapePatchResponse(
  behavior: string,
  record: StoredRecord,
  existing: StoredRecord,
  changes: RecordFields,
): unknown {
  if (behavior !== 'light' && behavior !== 'diff') return record;
  const changed = Object.keys(changes).filter(
    (key) => key !== 'id' && key !== 'last_modified' && !jsonEquals(existing[key], record[key]),
  );
  const keys =
    behavior === 'light'
      ? changed
      : changed.filter((key) => !jsonEquals(changes[key], record[key]));
  return Object.fromEntries(keys.map((key) => [key, record[key] ?? null]));
}

/** JSON Merge Patch (RFC 7396): objects merge recursively and `null` removes a field. */
function mergeDeep(target: RecordFields, patch: RecordFields): RecordFields {
  const result: RecordFields = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else if (isObject(value)) {
      const current = result[key] as JsonValue;
      result[key] = mergeDeep(isObject(current) ? current : {}, value);
    } else {
      result[key] = value;
    }
  }
  return result;
}
