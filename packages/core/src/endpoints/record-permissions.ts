/**
 * Permissions at the level of one record: who may read or write it, what a refusal looks
 * like, and how the `permissions` of a request body are stored (set on creation, replaced by
 * PUT, merged by PATCH) with the caller always among the writers and the creator kept as owner.
 *
 * @module
 */
import { ERRNO, HttpError, recordNotFound, unauthorized } from '../errors/index.js';
import { OWNER, type RecordAccess, recordAccess } from '../permission/access.js';
import type { Permissions } from '../permission/types.js';
import type { EndpointContext, EndpointRequest } from './endpoint-context.js';

export function objectIdOf(context: EndpointContext, id: string): string {
  return `${context.place.recordsPath}/${id}`;
}

/** The permission names a body may set on records of this resource. */
export function permissionNames(context: EndpointContext): string[] {
  return ['read', 'write', ...context.children.map((child) => `${child.name}:create`)];
}

export function forbidden(): HttpError {
  return new HttpError({
    code: 403,
    errno: ERRNO.FORBIDDEN,
    message: 'This user cannot access this resource.',
  });
}

/**
 * The refusal for a caller lacking a right: 401 when anonymous (signing in may help), 403 when
 * the caller may see the record, 404 when even its existence must not leak.
 */
export function refuse(
  context: EndpointContext,
  request: EndpointRequest,
  visible: boolean,
  id: string,
): HttpError {
  if (!request.user) return unauthorized(context.challenge);
  return visible ? forbidden() : recordNotFound(context.resource.name, id);
}

/** What the caller may do with record `id`, from its collection and its own permissions. */
export async function rightsOn(
  context: EndpointContext,
  request: EndpointRequest,
  id: string,
): Promise<RecordAccess> {
  if (context.access.write) return { read: true, write: true, known: true };
  const objectId = objectIdOf(context, id);
  const found = await context.permission.get([objectId]);
  return recordAccess(context.access, found.get(objectId), request.principals);
}

export type PermissionsMode = 'create' | 'replace' | 'merge';

/**
 * Stores the permissions of a write and returns those shown with the record. `create` starts
 * afresh with the caller as owner, `replace` clears every permission the body leaves out,
 * `merge` changes only those it names. The caller always ends up among the writers.
 */
export async function storePermissions(
  context: EndpointContext,
  request: EndpointRequest,
  id: string,
  requested: Permissions | undefined,
  mode: PermissionsMode,
): Promise<Permissions> {
  const objectId = objectIdOf(context, id);
  const next: Permissions = {};
  if (mode !== 'merge') for (const name of permissionNames(context)) next[name] = [];
  Object.assign(next, requested);
  const userId = request.user?.id;
  if (userId) {
    const current = mode === 'merge' ? await currentWriters(context, objectId) : [];
    next.write = [...new Set([...(next.write ?? current), userId])];
  }
  if (mode === 'create') {
    await context.permission.delete([objectId]);
    if (userId && context.place.owner === undefined) next[OWNER] = [userId];
  }
  await context.permission.set(objectId, next);
  // A new record without requested permissions has its creator alone: no need to read it back
  // (otherwise the backend's order of principals is the one shown).
  if (mode === 'create' && requested === undefined) {
    return shown(context, userId ? { write: [userId], [OWNER]: next[OWNER] ?? [] } : {});
  }
  return visiblePermissions(context, id);
}

async function currentWriters(context: EndpointContext, objectId: string): Promise<string[]> {
  return (await context.permission.get([objectId])).get(objectId)?.write ?? [];
}

/** The permissions shown with a record: its owner counts among the writers. */
export async function visiblePermissions(
  context: EndpointContext,
  id: string,
): Promise<Permissions> {
  const objectId = objectIdOf(context, id);
  return shown(context, (await context.permission.get([objectId])).get(objectId) ?? {});
}

function shown(context: EndpointContext, stored: Permissions): Permissions {
  const { [OWNER]: owners = [], ...rest } = stored;
  const ownerOfCollection = context.place.owner === undefined ? [] : [context.place.owner];
  return { ...rest, write: [...new Set([...ownerOfCollection, ...owners, ...(rest.write ?? [])])] };
}
