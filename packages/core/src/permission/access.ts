/**
 * Who may do what, as Pawl's permission model says: the owner of a user-scoped collection
 * may do anything in it; permissions granted on an ancestor object apply to everything below
 * it; `write` implies `read`; `<child>:create` on a parent allows creating children; a record's
 * own permissions add to what its collection grants; a record's owner is always a writer.
 *
 * @module
 */
import type { PermissionBackend, Permissions } from './types.js';

/** Permissions a client may grant on a record: `owner` is kept by Pawl. */
export const OWNER = 'owner';

/** Where a collection sits in the permission tree. */
export interface CollectionPlace {
  /** The resource name (children are created under the `<name>:create` permission). */
  resource: string;
  /** Object ids of the ancestors, root first (e.g. `['/buckets/b1']`); empty for root resources. */
  ancestors: string[];
  /** The prefix of the records' object ids, e.g. `/buckets/b1/collections` or `/users/<owner>/articles`. */
  recordsPath: string;
  /** For a user-scoped collection: the user it belongs to. */
  owner?: string;
  /** For a root shared resource: what the resource grants on all its records. */
  grants?: ResourceGrants;
}

/** Grants declared on a root shared resource, applying to all its records. */
export interface ResourceGrants {
  read?: string[];
  write?: string[];
  create?: string[];
}

export interface CollectionAccess {
  /** Read every record of the collection. */
  read: boolean;
  /** Write every record of the collection (and delete the collection's records in bulk). */
  write: boolean;
  /** Create records in it. */
  create: boolean;
}

export interface RecordAccess {
  read: boolean;
  write: boolean;
  /** The caller holds some permission on the record, so may know it exists. */
  known: boolean;
}

function holds(
  permissions: Permissions | undefined,
  names: string[],
  principals: readonly string[],
): boolean {
  if (!permissions) return false;
  return names.some((name) =>
    principals.some((principal) => permissions[name]?.includes(principal)),
  );
}

/** What the collection itself lets these principals do, before looking at any record. */
export async function collectionAccess(
  backend: PermissionBackend,
  place: CollectionPlace,
  userId: string | null,
  principals: readonly string[],
): Promise<CollectionAccess> {
  if (place.owner !== undefined) {
    const own = userId === place.owner;
    return { read: own, write: own, create: own };
  }
  const found =
    place.ancestors.length > 0
      ? await backend.get(place.ancestors)
      : new Map<string, Permissions>();
  const inherited = place.ancestors.map((id) => found.get(id));
  const parent = inherited[inherited.length - 1];
  const grants = place.grants ?? {};
  const write =
    inherited.some((permissions) => holds(permissions, ['write', OWNER], principals)) ||
    principals.some((principal) => grants.write?.includes(principal));
  const read =
    write ||
    inherited.some((permissions) => holds(permissions, ['read'], principals)) ||
    principals.some((principal) => grants.read?.includes(principal));
  const create =
    write ||
    holds(parent, [`${place.resource}:create`], principals) ||
    principals.some((principal) => grants.create?.includes(principal));
  return { read, write, create };
}

/** What one record lets these principals do, given what its collection already grants. */
export function recordAccess(
  collection: CollectionAccess,
  permissions: Permissions | undefined,
  principals: readonly string[],
): RecordAccess {
  const write = collection.write || holds(permissions, ['write', OWNER], principals);
  const read = write || collection.read || holds(permissions, ['read'], principals);
  // Whoever may create children of a record may read it (and so knows it exists).
  const creates = Object.keys(permissions ?? {}).filter((name) => name.endsWith(':create'));
  const canCreate = holds(permissions, creates, principals);
  const known = read || canCreate || holds(permissions, Object.keys(permissions ?? {}), principals);
  return { read: read || canCreate, write, known };
}
