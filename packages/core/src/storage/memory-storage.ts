/**
 * An in-memory `StorageBackend`: the reference implementation of the storage contract,
 * for tests, examples and single-process prototypes. Nothing survives the process.
 *
 * @module
 */

import { compareBySort, isAfter, matchesFilter } from './json-order.js';
import type {
  CollectionRef,
  CountQuery,
  ListQuery,
  RecordFields,
  StorageBackend,
  StorageSession,
  StoredRecord,
  Tombstone,
  WriteOptions,
} from './types.js';

/** A stored item, tagged so that a live record with a `deleted` field is never a tombstone. */
type Entry =
  | { readonly live: true; readonly item: StoredRecord }
  | { readonly live: false; readonly item: Tombstone };

interface Collection {
  readonly entries: Map<string, Entry>;
  /** The high-water mark; `undefined` until first written or until its timestamp is read. */
  timestamp: number | undefined;
}

/** Steps that undo a transaction's changes, run in reverse order on rollback. */
type UndoLog = Array<() => void>;

export interface MemoryStorageOptions {
  /** The source of timestamps, in milliseconds. Defaults to `Date.now`. */
  readonly clock?: () => number;
}

/**
 * Creates an in-memory storage backend.
 *
 * Transactions are serialized: one runs at a time and every call made on the backend
 * itself waits for the running one, so nothing outside ever sees uncommitted writes. Inside
 * `work`, use only the session it receives: calling the backend itself there deadlocks.
 *
 * @example
 * ```ts
 * const storage = memoryStorage();
 * const books = { resource: 'book', parentId: 'alice' };
 * const stored = await storage.put(books, { id: 'b1', title: 'Dune' });
 * await storage.transaction(async (session) => {
 *   await session.delete(books, stored.id);
 * });
 * ```
 */
export function memoryStorage(options: MemoryStorageOptions = {}): StorageBackend {
  const clock = options.clock ?? Date.now;
  const collections = new Map<string, Collection>();
  const autocommit = createSession(collections, clock);
  let queue: Promise<unknown> = Promise.resolve();

  /** Runs `work` after everything queued before it. */
  function exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = queue.then(work);
    queue = run.catch(() => undefined);
    return run;
  }

  return {
    name: 'memory',
    capabilities: { transactions: true },
    get: (collection, id) => exclusive(() => autocommit.get(collection, id)),
    list: (collection, query) => exclusive(() => autocommit.list(collection, query)),
    count: (collection, query) => exclusive(() => autocommit.count(collection, query)),
    timestamp: (collection) => exclusive(() => autocommit.timestamp(collection)),
    put: (collection, record, writeOptions) =>
      exclusive(() => autocommit.put(collection, record, writeOptions)),
    delete: (collection, id, writeOptions) =>
      exclusive(() => autocommit.delete(collection, id, writeOptions)),
    transaction: (work) =>
      exclusive(async () => {
        const undo: UndoLog = [];
        try {
          return await work(createSession(collections, clock, undo));
        } catch (error) {
          for (const step of undo.reverse()) step();
          throw error;
        }
      }),
    heartbeat: async () => true,
    close: async () => {},
  };
}

/** A session acting directly on `collections`, logging how to undo its writes when given `undo`. */
function createSession(
  collections: Map<string, Collection>,
  clock: () => number,
  undo?: UndoLog,
): StorageSession {
  function find(ref: CollectionRef): Collection | undefined {
    return collections.get(collectionKey(ref));
  }

  function findOrCreate(ref: CollectionRef): Collection {
    const key = collectionKey(ref);
    let collection = collections.get(key);
    if (!collection) {
      collection = { entries: new Map(), timestamp: undefined };
      collections.set(key, collection);
    }
    return collection;
  }

  /** Assigns the timestamp of a write and advances the collection's high-water mark. */
  function stamp(collection: Collection, forced: number | undefined): number {
    const previous = collection.timestamp;
    undo?.push(() => {
      collection.timestamp = previous;
    });
    const current = previous ?? Number.NEGATIVE_INFINITY;
    const fresh = Math.max(clock(), current + 1);
    collection.timestamp = forced !== undefined && forced > current ? forced : fresh;
    return forced ?? fresh;
  }

  function store(collection: Collection, entry: Entry): void {
    const { id } = entry.item;
    const previous = collection.entries.get(id);
    undo?.push(() => {
      if (previous) collection.entries.set(id, previous);
      else collection.entries.delete(id);
    });
    collection.entries.set(id, entry);
  }

  function select(ref: CollectionRef, query: CountQuery): Array<StoredRecord | Tombstone> {
    const entries = find(ref)?.entries.values() ?? [];
    return Array.from(entries)
      .filter((entry) => entry.live || query.includeDeleted)
      .map((entry) => entry.item)
      .filter((item) => query.filters.every((filter) => matchesFilter(item, filter)));
  }

  return {
    async get(ref: CollectionRef, id: string) {
      const entry = find(ref)?.entries.get(id);
      return entry?.live ? structuredClone(entry.item) : null;
    },

    async list(ref: CollectionRef, query: ListQuery) {
      const { sort, after, limit } = query;
      const items = select(ref, query)
        .filter((item) => after === undefined || isAfter(item, after, sort))
        .sort((a, b) => compareBySort(a, b, sort));
      return items.slice(0, limit).map((item) => structuredClone(item));
    },

    async count(ref: CollectionRef, query: CountQuery) {
      return select(ref, query).length;
    },

    async timestamp(ref: CollectionRef) {
      // Fixing the timestamp of a never-written collection is a read, so it is never undone.
      const collection = findOrCreate(ref);
      collection.timestamp ??= clock();
      return collection.timestamp;
    },

    async put(ref: CollectionRef, record: RecordFields & { id: string }, options?: WriteOptions) {
      const collection = findOrCreate(ref);
      const stored: StoredRecord = {
        ...structuredClone(record),
        last_modified: stamp(collection, options?.lastModified),
      };
      store(collection, { live: true, item: stored });
      return structuredClone(stored);
    },

    async delete(ref: CollectionRef, id: string, options?: WriteOptions) {
      const collection = find(ref);
      if (!collection?.entries.get(id)?.live) return null;
      const tombstone: Tombstone = {
        id,
        last_modified: stamp(collection, options?.lastModified),
        deleted: true,
      };
      store(collection, { live: false, item: tombstone });
      return { ...tombstone };
    },
  };
}

function collectionKey({ resource, parentId }: CollectionRef): string {
  return `${resource}\u0000${parentId}`;
}
