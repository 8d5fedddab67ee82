/**
 * An in-process permission backend: a Map from object id to its permissions.
 *
 * @module
 */
import type { PermissionBackend, Permissions } from './types.js';

/**
 * @example
 * ```ts
 * const app = createApp({ ..., backends: { storage: memoryStorage(), permission: memoryPermission() } });
 * ```
 */
export function memoryPermission(): PermissionBackend {
  const objects = new Map<string, Map<string, Set<string>>>();

  return {
    name: 'memory',
    async get(objectIds) {
      const result = new Map<string, Permissions>();
      for (const id of objectIds) {
        const entry = objects.get(id);
        if (!entry || entry.size === 0) continue;
        result.set(
          id,
          Object.fromEntries(
            [...entry].map(([permission, principals]) => [permission, [...principals]]),
          ),
        );
      }
      return result;
    },
    async set(objectId, permissions) {
      const entry = objects.get(objectId) ?? new Map<string, Set<string>>();
      for (const [permission, principals] of Object.entries(permissions)) {
        if (principals.length === 0) entry.delete(permission);
        else entry.set(permission, new Set(principals));
      }
      if (entry.size === 0) objects.delete(objectId);
      else objects.set(objectId, entry);
    },
    async delete(objectIds) {
      for (const id of objectIds) {
        objects.delete(id);
        for (const key of [...objects.keys()]) if (key.startsWith(`${id}/`)) objects.delete(key);
      }
    },
    async accessible(parentPath, principals, permissions) {
      const prefix = `${parentPath}/`;
      const result: string[] = [];
      for (const [id, entry] of objects) {
        if (!id.startsWith(prefix) || id.indexOf('/', prefix.length) !== -1) continue;
        const granted = permissions.some((permission) =>
          principals.some((p) => entry.get(permission)?.has(p)),
        );
        if (granted) result.push(id);
      }
      return result.sort();
    },
    async heartbeat() {
      return true;
    },
    async close() {
      objects.clear();
    },
  };
}
