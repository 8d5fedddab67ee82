/**
 * The permission contract. An object (a record, a collection, any node of a nested resource
 * tree) is named by its path relative to the API root, e.g. `/articles/01HX...` or
 * `/buckets/b1/collections/c1`. Each object grants permissions (`read`, `write`,
 * `<child>:create`) to principals (user ids, `system.Everyone`, `system.Authenticated`,
 * groups...). Pawl's permission model — inheritance down the tree, `write` implying `read`,
 * the creator as writer — lives in core, on top of these few calls.
 *
 * @module
 */

/** Principals granted each permission, e.g. `{ read: ['system.Everyone'], write: ['basicauth:9f...'] }`. */
export type Permissions = { [permission: string]: string[] };

export interface PermissionBackend {
  /** A short name shown in heartbeat and logs, e.g. `'memory'`, `'sqlite'`. */
  readonly name: string;
  /** The permissions of each object; objects without any are absent from the map. */
  get(objectIds: readonly string[]): Promise<Map<string, Permissions>>;
  /**
   * Replaces the principals of each permission named in `permissions` on `objectId`; an empty
   * list removes that permission; permissions not named are left as they are.
   */
  set(objectId: string, permissions: Permissions): Promise<void>;
  /** Removes every permission of these objects and of every object below them (`<id>/...`). */
  delete(objectIds: readonly string[]): Promise<void>;
  /**
   * The objects directly below `parentPath` (ids `<parentPath>/<segment>` without a further `/`)
   * on which one of `principals` holds one of `permissions`.
   */
  accessible(
    parentPath: string,
    principals: readonly string[],
    permissions: readonly string[],
  ): Promise<string[]>;
  /** `true` when the backend answers a real round trip. Never throws. */
  heartbeat(): Promise<boolean>;
  /** Releases connections and handles. */
  close(): Promise<void>;
}
