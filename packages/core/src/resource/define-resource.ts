/**
 * `defineResource()`: the declaration of one resource, checked once at start-up.
 *
 * @module
 */
import type * as v from 'valibot';
import type { ResourceGrants } from '../permission/access.js';
import type { RecordFields, StoredRecord, Tombstone } from '../storage/types.js';

/** Who is asking, as the auth policies established it. */
export interface RequestUser {
  /** The user id, e.g. `basicauth:3b2c...`. */
  id: string;
  /** Every principal of the user: its id, `system.Authenticated`, `system.Everyone`, and more. */
  principals: string[];
}

export interface HookContext {
  /** The authenticated user; `null` for an anonymous caller allowed to write by permissions. */
  user: RequestUser | null;
  /** The resource name. */
  resource: string;
}

/** What a `before*` hook may return: the record to store instead, or nothing to keep it. */
// biome-ignore lint/suspicious/noConfusingVoidType: a hook that returns nothing keeps the record
export type HookResult = RecordFields | undefined | void;

/** Functions called around writes. A `before*` hook runs inside the write's transaction and may throw an `HttpError` to refuse it. */
export interface ResourceHooks {
  /** Before validation of a new record; may return the record to store instead (e.g. to set server-side fields). */
  beforeCreate?: (
    record: RecordFields & { id: string },
    context: HookContext,
  ) => HookResult | Promise<HookResult>;
  /** Before validation of a replaced or modified record; may return the record to store instead. */
  beforeUpdate?: (
    record: RecordFields & { id: string },
    existing: StoredRecord,
    context: HookContext,
  ) => HookResult | Promise<HookResult>;
  beforeDelete?: (existing: StoredRecord, context: HookContext) => void | Promise<void>;
  afterCreate?: (record: StoredRecord, context: HookContext) => void | Promise<void>;
  afterUpdate?: (
    record: StoredRecord,
    existing: StoredRecord,
    context: HookContext,
  ) => void | Promise<void>;
  afterDelete?: (
    tombstone: Tombstone,
    existing: StoredRecord,
    context: HookContext,
  ) => void | Promise<void>;
}

/** A valibot schema for the fields of a record (without `id` and `last_modified`). */
// biome-ignore lint/suspicious/noExplicitAny: valibot's generic schema type needs the wide issue type
export type RecordSchema = v.GenericSchema<any, any, any> & {
  readonly entries?: Record<string, unknown>;
};

export interface ResourceOptions {
  /** The URL segment and storage name: lowercase letters, digits, `-` and `_`. */
  name: string;
  /**
   * A valibot object schema for the record fields. Its parsed output (with defaults applied) is
   * what gets stored. Without a schema, any JSON object is accepted and any field can be filtered.
   */
  schema?: RecordSchema;
  /** Fields whose non-empty values must be unique among the live records of a collection (409). */
  unique?: string[];
  /** Fields clients may not set or change (400); the server sets them, e.g. in `beforeCreate`. */
  readonly?: string[];
  /**
   * `'user'` (default for root resources): each authenticated user has a collection of their
   * own at `/{name}`, which others reach at `/users/{userId}/{name}` for the records shared with
   * them. `'shared'`: one collection whose records are visible to whoever may read them
   * (the default and only choice for a resource with a `parent`).
   */
  scope?: 'user' | 'shared';
  /**
   * Nests this resource under another: its records live at
   * `/{parent}/{parentId}/{name}/{id}`, and permissions on the parent object apply to them.
   */
  parent?: Resource;
  /** For a root shared resource: who may read, write or create any of its records. */
  permissions?: ResourceGrants;
  hooks?: ResourceHooks;
  /** Generates ids for POST without an id. Default: ULID. */
  generateId?: () => string;
  /** Allows `DELETE` on the collection endpoint (off by default: 405). */
  allowCollectionDelete?: boolean;
}

/** A resource, ready to be passed to `createApp`. */
export interface Resource {
  readonly name: string;
  readonly schema: RecordSchema | undefined;
  readonly unique: readonly string[];
  readonly readonly: readonly string[];
  readonly scope: 'user' | 'shared';
  readonly parent: Resource | undefined;
  readonly grants: ResourceGrants;
  readonly hooks: ResourceHooks;
  readonly generateId: (() => string) | undefined;
  readonly allowCollectionDelete: boolean | undefined;
  /** Top-level fields that filters, sorts and `_fields` may name, or `null` when any field may be named. */
  readonly knownFields: ReadonlySet<string> | null;
}

const NAME_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;
const SYNC_FIELDS = ['id', 'last_modified'];

/**
 * Declares a resource: its name, the schema of its records and the rules on its fields.
 *
 * @example
 * ```ts
 * import * as v from 'valibot';
 * import { defineResource } from '@pawl/core';
 *
 * const articles = defineResource({
 *   name: 'articles',
 *   schema: v.strictObject({ title: v.string(), url: v.pipe(v.string(), v.url()) }),
 *   unique: ['url'],
 * });
 * ```
 */
export function defineResource(options: ResourceOptions): Resource {
  if (!NAME_PATTERN.test(options.name)) {
    throw new TypeError(
      `Resource name "${options.name}" must be lowercase letters, digits, "-" or "_", starting with a letter.`,
    );
  }
  const entries = options.schema?.entries;
  if (options.schema && !entries) {
    throw new TypeError(`The schema of "${options.name}" must be a valibot object schema.`);
  }
  if (options.parent && options.scope === 'user') {
    throw new TypeError(`"${options.name}" has a parent: its scope is the parent's, not 'user'.`);
  }
  if (options.parent?.scope === 'user') {
    throw new TypeError(`"${options.name}": a parent must be a shared resource.`);
  }
  if (options.permissions && (options.parent || (options.scope ?? 'user') === 'user')) {
    throw new TypeError(
      `"${options.name}": resource-wide permissions apply to root shared resources only.`,
    );
  }
  const knownFields = entries ? new Set([...Object.keys(entries), ...SYNC_FIELDS]) : null;
  for (const field of [...(options.unique ?? []), ...(options.readonly ?? [])]) {
    const root = field.split('.')[0] ?? '';
    if (knownFields && !knownFields.has(root)) {
      throw new TypeError(`Field "${field}" of "${options.name}" is not in its schema.`);
    }
    if (SYNC_FIELDS.includes(field)) {
      throw new TypeError(
        `"${field}" is managed by Pawl and cannot be declared unique or read-only.`,
      );
    }
  }
  return {
    name: options.name,
    schema: options.schema,
    unique: [...(options.unique ?? [])],
    readonly: [...(options.readonly ?? [])],
    scope: options.parent ? 'shared' : (options.scope ?? 'user'),
    parent: options.parent,
    grants: { ...options.permissions },
    hooks: options.hooks ?? {},
    generateId: options.generateId,
    allowCollectionDelete: options.allowCollectionDelete,
    knownFields,
  };
}
