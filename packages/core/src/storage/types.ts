/**
 * The storage contract every backend implements.
 *
 * A backend stores flat records `{ id, last_modified, ...fields }` grouped in
 * collections (`CollectionRef`). It assigns timestamps, answers keyset-paginated
 * list queries and runs a function inside a transaction. Everything the HTTP
 * protocol means (preconditions, validation, uniqueness, tokens) lives in core,
 * on top of these few calls.
 *
 * @module
 */

/** Any value that JSON can carry. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** The fields of a record other than `id` and `last_modified`. */
export type RecordFields = { [field: string]: JsonValue };

/** One collection: a resource name and the parent it belongs to (a user id, a parent object id, or `''`). */
export interface CollectionRef {
  readonly resource: string;
  readonly parentId: string;
}

/** A live record as stored. */
export interface StoredRecord {
  id: string;
  last_modified: number;
  [field: string]: JsonValue;
}

/** What remains of a deleted record until it is purged. */
export interface Tombstone {
  id: string;
  last_modified: number;
  deleted: true;
}

/**
 * Filter operators, with the meaning every backend must give them:
 * - `eq` / `not`: deep JSON equality (types are strict: `1` is not `"1"`, `true` is not `1`);
 *   a missing field equals nothing, not even `null`, so `not` matches records that lack the field.
 * - `lt` / `gt` / `min` / `max`: comparison in the canonical order (see `compareJson`);
 *   records whose field is missing or `null` never match.
 * - `in` / `exclude`: `value` is an array; `exclude` also matches records lacking the field.
 * - `has`: `value` is a boolean; `true` matches records having the field (even `null`).
 * - `like`: the field is a string containing the value, ASCII case-insensitive; `*` in the
 *   value is a wildcard, and a value without `*` matches anywhere (`foo` = `*foo*`). A value
 *   with `*` must match the whole string (`foo*` = starts with `foo`). Every other character,
 *   `%`, `_`, `\\` and regular-expression metacharacters included, is literal.
 * - `contains` / `contains_any`: the field is an array containing every (any) element of
 *   `value` (an array), or containing `value` itself when it is not an array.
 */
export type FilterOperator =
  | 'eq'
  | 'not'
  | 'lt'
  | 'gt'
  | 'min'
  | 'max'
  | 'in'
  | 'exclude'
  | 'has'
  | 'like'
  | 'contains'
  | 'contains_any';

/**
 * A predicate on one field. `path` is the field name split on dots (`['author', 'name']`).
 * Each segment is an object key (any string, however odd); arrays are never indexed into,
 * and a path that does not resolve is a missing field. Filters apply to tombstones too.
 */
export interface Filter {
  readonly path: readonly string[];
  readonly operator: FilterOperator;
  readonly value: JsonValue;
}

/**
 * One sort key. Core always ends the list with `id` ascending, so the order is total.
 *
 * Ascending order is the canonical order of JSON values (`compareJson` in `json-order.ts`):
 * missing and `null` first (equal to each other), then booleans with `true` before `false`,
 * then numbers, then strings by Unicode code point (UTF-8 byte order, not UTF-16), then
 * arrays, then objects; arrays and objects each compare by the code points of their
 * `JSON.stringify` text. `desc` is the exact reverse, so missing and `null` come last.
 */
export interface Sort {
  readonly path: readonly string[];
  readonly direction: 'asc' | 'desc';
}

export interface ListQuery {
  /** All must match (logical AND). */
  readonly filters: readonly Filter[];
  /** A total order: the last key is always `id`. */
  readonly sort: readonly Sort[];
  /**
   * Keyset position: the values of the sort keys (in `sort` order, `null` for a missing field)
   * of the last item already returned. Only items strictly after it in the sort order are returned.
   */
  readonly after?: readonly JsonValue[];
  /** At most this many items. */
  readonly limit?: number;
  /** Include tombstones (which carry only `id`, `last_modified` and `deleted`). */
  readonly includeDeleted?: boolean;
}

export interface CountQuery {
  readonly filters: readonly Filter[];
  readonly includeDeleted?: boolean;
}

export interface WriteOptions {
  /**
   * A timestamp forced by the client. Core passes it only when it is acceptable (greater
   * than the record's current one for replacements and deletions); the backend then stores
   * it as is. The collection timestamp becomes the forced value when it is greater than the
   * current collection timestamp, and otherwise is bumped as for an ordinary write.
   */
  readonly lastModified?: number;
}

/**
 * Reads and writes on collections. The backend itself is a session in autocommit mode;
 * `StorageBackend.transaction` hands out one whose writes commit together.
 */
export interface StorageSession {
  /** The live record with this id, or `null` (missing or deleted). */
  get(collection: CollectionRef, id: string): Promise<StoredRecord | null>;
  /** Matching items in the given order, live records first-class and tombstones when asked. */
  list(collection: CollectionRef, query: ListQuery): Promise<Array<StoredRecord | Tombstone>>;
  /** How many items `list` would return without `after` and `limit`. */
  count(collection: CollectionRef, query: CountQuery): Promise<number>;
  /**
   * The collection timestamp: the greatest timestamp the collection has handed out, or,
   * for a collection never written, a value that stays the same until its first write.
   * Every later write gets a greater timestamp.
   */
  timestamp(collection: CollectionRef): Promise<number>;
  /**
   * Creates or replaces the record `record.id` (replacing a tombstone too) and returns it as
   * stored, with its new `last_modified`: the forced one, or a fresh timestamp strictly
   * greater than every timestamp the collection has handed out (and not below the clock).
   */
  put(
    collection: CollectionRef,
    record: RecordFields & { id: string },
    options?: WriteOptions,
  ): Promise<StoredRecord>;
  /** Replaces the live record `id` with a tombstone and returns it; `null` when there is no live record. */
  delete(collection: CollectionRef, id: string, options?: WriteOptions): Promise<Tombstone | null>;
}

/** Differences between backends that callers may need to know about. */
export interface StorageCapabilities {
  /** Writes inside `transaction` are atomic and isolated from other processes. */
  readonly transactions: boolean;
}

/**
 * Errors: a backend throws `BackendError` (from `@pawl/core`) when its database fails, so that
 * clients get 503 errno 201 with `Retry-After` rather than 500.
 */
export interface StorageBackend extends StorageSession {
  /** A short name shown in heartbeat and logs, e.g. `'memory'`, `'sqlite'`. */
  readonly name: string;
  readonly capabilities: StorageCapabilities;
  /**
   * Runs `work` with a session whose writes are committed together when it resolves and
   * discarded when it throws. Transactions never interleave their writes to one collection:
   * once a transaction has touched a collection (read or written), no other transaction
   * writes to it until this one ends, so a read-then-write on it cannot lose an update. A
   * backend may serialise more than that (SQLite serialises every write transaction); a
   * read of a collection the transaction has not touched yet may see commits made after the
   * transaction started (PostgreSQL locks each collection on first touch).
   */
  transaction<T>(work: (session: StorageSession) => Promise<T>): Promise<T>;
  /**
   * Optional: deletes tombstones, never live records, and resolves to how many. Only those of
   * `collection` (of every collection when omitted), only those whose `last_modified` is below
   * `options.before`, and not the `options.keepLast` newest of each collection; with neither
   * option, every tombstone. Collection timestamps stay as they are, so later writes still get
   * greater ones. A client that last synced before a purged tombstone no longer learns of that
   * deletion by polling, and should fetch the whole collection again.
   */
  purgeTombstones?(
    collection?: CollectionRef,
    options?: { before?: number; keepLast?: number },
  ): Promise<number>;
  /** `true` when the backend answers a real round trip. Never throws. */
  heartbeat(): Promise<boolean>;
  /** Releases connections and handles. */
  close(): Promise<void>;
}
