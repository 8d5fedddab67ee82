/**
 * The write steps shared by every endpoint that stores a record: forced timestamps,
 * read-only fields, hooks, schema validation, uniqueness, then storage. Callers run them
 * inside a transaction, after checking preconditions.
 *
 * @module
 */
import type { HookContext, RequestUser } from '../resource/define-resource.js';
import { checkReadonly, checkUnique, validateFields } from '../resource/record-rules.js';
import { getPath, jsonEquals } from '../storage/json-order.js';
import type {
  CollectionRef,
  JsonValue,
  RecordFields,
  StorageSession,
  StoredRecord,
  Tombstone,
} from '../storage/types.js';
import type { EndpointContext } from './endpoint-context.js';
import { acceptForced, takeForcedTimestamp } from './forced-timestamp.js';

function hookContext(context: EndpointContext, user: RequestUser | null): HookContext {
  return { user, resource: context.resource.name };
}

/** Stores a new record (its id already chosen) and returns it as stored. */
export async function createRecord(
  context: EndpointContext,
  session: StorageSession,
  user: RequestUser | null,
  posted: RecordFields & { id: string },
): Promise<StoredRecord> {
  const { resource, collection } = context;
  const { fields, forced } = takeForcedTimestamp(posted);
  checkReadonly(resource, fields, null);
  const { id: _id, ...data } = fields;
  const hooked =
    (await resource.hooks.beforeCreate?.({ ...data, id: posted.id }, hookContext(context, user))) ??
    data;
  const record = { ...validateFields(resource, withoutSyncFields(hooked)), id: posted.id };
  await checkUnique(session, collection, resource, record, context.access.read);
  const stored = await session.put(collection, record, { lastModified: forced });
  const afterCreate = resource.hooks.afterCreate;
  if (afterCreate) context.afterCommit.push(() => afterCreate(stored, hookContext(context, user)));
  return stored;
}

/**
 * Stores `next` (every field, without `id`) in place of `existing`. With `onlyIfChanged` (PATCH),
 * returns `existing` untouched when nothing would change and no timestamp is forced; without it
 * (PUT), a replacement always gets a new timestamp.
 */
export async function updateRecord(
  context: EndpointContext,
  session: StorageSession,
  user: RequestUser | null,
  existing: StoredRecord,
  next: RecordFields,
  onlyIfChanged: boolean,
): Promise<StoredRecord> {
  const { resource, collection } = context;
  const { fields, forced: requested } = takeForcedTimestamp(next);
  const forced = acceptForced(requested, existing.last_modified);
  checkReadonly(resource, fields, existing);
  const kept = keepReadonly(resource.readonly, withoutSyncFields(fields), existing);
  const hooked =
    (await resource.hooks.beforeUpdate?.(
      { ...kept, id: existing.id },
      existing,
      hookContext(context, user),
    )) ?? kept;
  const record = { ...validateFields(resource, withoutSyncFields(hooked)), id: existing.id };
  const { last_modified: _, ...current } = existing;
  if (onlyIfChanged && forced === undefined && jsonEquals(record, current)) return existing;
  await checkUnique(session, collection, resource, record, context.access.read);
  const stored = await session.put(collection, record, { lastModified: forced });
  const afterUpdate = resource.hooks.afterUpdate;
  if (afterUpdate)
    context.afterCommit.push(() => afterUpdate(stored, existing, hookContext(context, user)));
  return stored;
}

/** Replaces `existing` with a tombstone. */
export async function deleteRecord(
  context: EndpointContext,
  session: StorageSession,
  user: RequestUser | null,
  existing: StoredRecord,
  forced: number | undefined,
): Promise<Tombstone> {
  const { resource, collection } = context;
  await resource.hooks.beforeDelete?.(existing, hookContext(context, user));
  const lastModified = acceptForced(forced, existing.last_modified);
  const tombstone = await session.delete(collection, existing.id, { lastModified });
  if (!tombstone) throw new Error(`Record ${existing.id} vanished inside its transaction`);
  if (context.children.length > 0) await deleteChildren(context, session, existing.id);
  const afterDelete = resource.hooks.afterDelete;
  if (afterDelete)
    context.afterCommit.push(() => afterDelete(tombstone, existing, hookContext(context, user)));
  return tombstone;
}

/**
 * Deleting an object deletes everything nested under it, at every depth, and the permissions
 * of all of it. Its own permissions go too: nobody polls the children of a deleted parent.
 */
async function deleteChildren(
  context: EndpointContext,
  session: StorageSession,
  id: string,
): Promise<void> {
  const objectId = `${context.place.recordsPath}/${id}`;
  const stack: CollectionRef[] = context.children.map((child) => ({
    resource: child.name,
    parentId: objectId,
  }));
  while (stack.length > 0) {
    const collection = stack.pop() as CollectionRef;
    const records = await session.list(collection, {
      filters: [],
      sort: [{ path: ['id'], direction: 'asc' }],
    });
    for (const record of records) {
      await session.delete(collection, record.id);
      const below = `${collection.parentId}/${collection.resource}/${record.id}`;
      for (const grandchild of context.childrenOf(collection.resource)) {
        stack.push({ resource: grandchild.name, parentId: below });
      }
    }
  }
  await context.permission.delete([objectId]);
}

function withoutSyncFields(fields: RecordFields): RecordFields {
  const { id: _id, last_modified: _lastModified, ...rest } = fields;
  return rest;
}

/** Read-only fields a client left out keep their stored value. */
function keepReadonly(
  readonly: readonly string[],
  fields: RecordFields,
  existing: StoredRecord,
): RecordFields {
  const result: RecordFields = structuredClone(fields);
  for (const field of readonly) {
    const path = field.split('.');
    const stored = getPath(existing, path);
    if (stored !== undefined && getPath(result, path) === undefined) setPath(result, path, stored);
  }
  return result;
}

function setPath(target: RecordFields, path: string[], value: JsonValue): void {
  let node: RecordFields = target;
  for (const key of path.slice(0, -1)) {
    const child = node[key];
    if (typeof child !== 'object' || child === null || Array.isArray(child)) node[key] = {};
    node = node[key] as RecordFields;
  }
  node[path[path.length - 1] as string] = value;
}
