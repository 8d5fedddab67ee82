/**
 * Where a resource's collections live: their URLs, their storage `CollectionRef`, and their
 * place in the permission tree. A user-scoped collection is `/{name}` for its owner and
 * `/users/{owner}/{name}` for everyone else; a root shared one is `/{name}`; a nested one is
 * `/{parent}/{parentId}/.../{name}`.
 *
 * @module
 */
import type { CollectionPlace } from '../permission/access.js';
import type { CollectionRef } from '../storage/types.js';
import type { Resource } from './define-resource.js';

/** The resources from the root down to `resource`. */
export function resourceChain(resource: Resource): Resource[] {
  const chain: Resource[] = [];
  for (let node: Resource | undefined = resource; node; node = node.parent) chain.unshift(node);
  return chain;
}

/** Route patterns of a resource's collection endpoints (records are at `<pattern>/:id`). */
export function collectionPatterns(resource: Resource): string[] {
  if (resource.scope === 'user') return [`/${resource.name}`, `/users/:owner/${resource.name}`];
  const chain = resourceChain(resource);
  const ancestors = chain.slice(0, -1).map((node, index) => `/${node.name}/:p${index}`);
  return [`${ancestors.join('')}/${resource.name}`];
}

/** One ancestor object of a nested collection: where it is stored and its object id. */
export interface AncestorRef {
  resource: Resource;
  collection: CollectionRef;
  id: string;
  objectId: string;
}

export interface CollectionLocation {
  collection: CollectionRef;
  place: CollectionPlace;
  ancestors: AncestorRef[];
}

/**
 * The collection a request addresses. `params` are the route parameters (`owner`, `p0`, ...);
 * `userId` is the caller (`null` when anonymous), the owner of `/{name}` for user scopes.
 */
export function locateCollection(
  resource: Resource,
  params: Record<string, string | undefined>,
  userId: string,
): CollectionLocation {
  if (resource.scope === 'user') {
    const owner = params.owner ?? userId;
    return {
      collection: { resource: resource.name, parentId: owner },
      place: {
        resource: resource.name,
        ancestors: [],
        recordsPath: `/users/${owner}/${resource.name}`,
        owner,
      },
      ancestors: [],
    };
  }
  const chain = resourceChain(resource);
  const ancestors: AncestorRef[] = [];
  let parentPath = '';
  chain.slice(0, -1).forEach((node, index) => {
    const id = params[`p${index}`] ?? '';
    const objectId = `${parentPath}/${node.name}/${id}`;
    ancestors.push({
      resource: node,
      collection: { resource: node.name, parentId: parentPath },
      id,
      objectId,
    });
    parentPath = objectId;
  });
  return {
    collection: { resource: resource.name, parentId: parentPath },
    place: {
      resource: resource.name,
      ancestors: ancestors.map((ancestor) => ancestor.objectId),
      recordsPath: `${parentPath}/${resource.name}`,
      // What a root resource grants on all its records flows down to everything below them.
      grants: resource.parent ? inheritedGrants(chain[0] as Resource) : resource.grants,
    },
    ancestors,
  };
}

function inheritedGrants(root: Resource): CollectionPlace['grants'] {
  return { read: root.grants.read, write: root.grants.write };
}
