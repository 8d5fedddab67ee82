/**
 * `Total-Records` of list pages. Counting the records a filter matches reads every match
 * (hundreds of milliseconds at a million records), yet the count of live records can only
 * change when the collection does, and every change moves the collection timestamp. So a count
 * is remembered under the timestamp it was made at, and a poller or a page walk asking the same
 * question of the same collection version gets it without counting again.
 *
 * Not remembered: counts with tombstones (purging them changes the count, not the timestamp),
 * and counts inside a batch transaction, whose writes may still roll back and free their
 * timestamp for another version.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { CollectionRef, CountQuery, StorageBackend } from '../storage/types.js';

export interface RecordCounts {
  /** The number of records `query` matches in the collection whose timestamp is `timestamp`. */
  count(collection: CollectionRef, query: CountQuery, timestamp: number): Promise<number>;
}

/** How many counts stay remembered, least recently used out first. */
const CAPACITY = 1000;

export function recordCounts(
  storage: StorageBackend,
  inTransaction: () => boolean,
  capacity = CAPACITY,
): RecordCounts {
  const remembered = new Map<string, number>();
  return {
    async count(collection, query, timestamp) {
      if (query.includeDeleted || inTransaction()) return storage.count(collection, query);
      // The filters (an `id` list of what a reader may see among them) are hashed: keys stay short.
      const filters = createHash('sha1').update(JSON.stringify(query.filters)).digest('base64');
      const key = JSON.stringify([collection.resource, collection.parentId, timestamp, filters]);
      const known = remembered.get(key);
      if (known !== undefined) {
        remembered.delete(key);
        remembered.set(key, known);
        return known;
      }
      const counted = await storage.count(collection, query);
      remembered.set(key, counted);
      if (remembered.size > capacity) {
        const oldest = remembered.keys().next();
        if (!oldest.done) remembered.delete(oldest.value);
      }
      return counted;
    },
  };
}
