/**
 * Random sequences of writes (puts with or without a forced timestamp, deletes, transactions
 * that commit or roll back, tombstone purges) over three collections, after which every
 * unfiltered count must equal the live records a list returns. For backends that keep counts
 * of their own (a counter per collection): `check` then compares them with their tables.
 * Needs `fast-check`, like `runReferenceSemantics`.
 *
 * @module
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { CollectionRef, StorageBackend, StorageSession } from '../storage/types.js';

/** One write of a random sequence, on collection number `collection` (0 to 2). */
export type RandomWrite =
  | { put: string; collection: number; forced: number | undefined }
  | { delete: string; collection: number };

type Step =
  | RandomWrite
  | { transaction: RandomWrite[]; rollback: boolean }
  | { purge: number | undefined; keepLast: number | undefined };

const write: fc.Arbitrary<RandomWrite> = fc.oneof(
  fc.record({
    put: fc.constantFrom('a', 'b', 'c', 'd'),
    collection: fc.nat(2),
    forced: fc.option(fc.integer({ min: 1, max: 5000 }), { nil: undefined }),
  }),
  fc.record({ delete: fc.constantFrom('a', 'b', 'c', 'd'), collection: fc.nat(2) }),
);

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: write },
  {
    weight: 2,
    arbitrary: fc.record({
      transaction: fc.array(write, { minLength: 1, maxLength: 4 }),
      rollback: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      purge: fc.option(fc.nat(2), { nil: undefined }),
      keepLast: fc.option(fc.nat(2), { nil: undefined }),
    }),
  },
);

/** Applies `change` to one of `collections` through `session`. */
export async function applyRandomWrite(
  session: StorageSession,
  collections: readonly CollectionRef[],
  change: RandomWrite,
): Promise<void> {
  const collection = collections[change.collection] as CollectionRef;
  if ('put' in change) {
    const options = change.forced === undefined ? {} : { lastModified: change.forced };
    await session.put(collection, { id: change.put }, options);
  } else {
    await session.delete(collection, change.delete);
  }
}

export interface RandomWritesOptions {
  /** How many random sequences. Default: 100. */
  numRuns?: number;
  /** The longest sequence. Default: 25. */
  maxSteps?: number;
  /** Runs after each sequence, with its collections: the backend's own checks. */
  check?: (collections: readonly CollectionRef[]) => Promise<void> | void;
}

/**
 * Runs random write sequences on `storage` (purges only when it has `purgeTombstones`), each
 * on three collections of its own, then checks that each collection's unfiltered count equals the
 * number of live records it lists.
 */
export async function exerciseRandomWrites(
  storage: StorageBackend,
  options: RandomWritesOptions = {},
): Promise<void> {
  const purge = storage.purgeTombstones?.bind(storage);
  const prefix = `random-${Math.random().toString(36).slice(2)}`;
  let run = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(step, { minLength: 1, maxLength: options.maxSteps ?? 25 }),
      async (steps) => {
        const collections: CollectionRef[] = [0, 1, 2].map((n) => ({
          resource: n === 2 ? 'other' : 'notes',
          parentId: `${prefix}-${run}-${n % 2}`,
        }));
        run++;
        for (const current of steps) {
          if ('transaction' in current) {
            const committed = storage.transaction(async (session) => {
              for (const change of current.transaction) {
                await applyRandomWrite(session, collections, change);
              }
              if (current.rollback) throw new Error('rolled back');
            });
            if (current.rollback) await expect(committed).rejects.toThrow('rolled back');
            else await committed;
          } else if ('purge' in current) {
            const collection = current.purge === undefined ? undefined : collections[current.purge];
            await purge?.(collection, { keepLast: current.keepLast });
          } else {
            await applyRandomWrite(storage, collections, current);
          }
        }
        for (const collection of collections) {
          const live = await storage.list(collection, { filters: [], sort: [] });
          expect(await storage.count(collection, { filters: [] })).toBe(live.length);
        }
        await options.check?.(collections);
      },
    ),
    { numRuns: options.numRuns ?? 100 },
  );
}
