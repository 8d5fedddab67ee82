/**
 * A property test every storage backend can run beside the conformance suite: random records
 * (some then deleted) and random queries — filters, sorts and keyset pages, with and without
 * tombstones — answered by the backend and by the in-memory reference, which must agree on
 * every one. Fields `a` and `b` take values of every JSON type, or are missing.
 *
 * Arrays and objects order by their text, which some databases write their own way (`jsonb`
 * sorts keys and writes numbers in plain notation): generated objects have one key and numbers
 * read the same in every notation, so that every backend can agree.
 *
 * @module
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPath } from '../storage/json-order.js';
import { memoryStorage } from '../storage/memory-storage.js';
import type {
  Filter,
  FilterOperator,
  JsonValue,
  ListQuery,
  RecordFields,
  Sort,
  StorageBackend,
} from '../storage/types.js';

export interface ReferenceSemanticsOptions {
  name: string;
  create: () => Promise<StorageBackend> | StorageBackend;
  /** Default: `backend.close()`. */
  cleanup?: (backend: StorageBackend) => Promise<void>;
  /** Default: 300. */
  numRuns?: number;
}

const scalar = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(-1.5, 0.25, 2.5, 1e6, 123456.789),
  fc.constantFrom(
    '',
    'a',
    'A',
    'ab',
    'b',
    'é',
    'ｚ',
    '😀',
    '1',
    'true',
    'a%b',
    'a_b',
    'x\ny',
    'a\\',
  ),
);
const value: fc.Arbitrary<JsonValue> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('k', 'n', 'é'), scalar, { maxKeys: 1 }) },
);
const field = fc.option(value, { nil: undefined });
const records = fc.array(fc.record({ a: field, b: field, deleted: fc.boolean() }), {
  minLength: 1,
  maxLength: 12,
});
/** Every `FilterOperator`, for tests that go through them all. */
export const FILTER_OPERATORS: readonly FilterOperator[] = [
  'eq',
  'not',
  'lt',
  'gt',
  'min',
  'max',
  'in',
  'exclude',
  'has',
  'like',
  'contains',
  'contains_any',
];
const filter: fc.Arbitrary<Filter> = fc.record({
  path: fc.constantFrom(['a'], ['b'], ['a', 'k'], ['b', 'n'], ['a', '0'], ['deleted'], ['id']),
  operator: fc.constantFrom(...FILTER_OPERATORS),
  value: fc.oneof(
    value,
    fc.array(value, { maxLength: 3 }),
    fc.constantFrom('*', 'a*', '*b*', '%', 'R0*', 'r01'),
  ),
});
const sortKey: fc.Arbitrary<Sort> = fc.record({
  path: fc.constantFrom(['a'], ['b'], ['a', 'k'], ['deleted'], ['last_modified']),
  direction: fc.constantFrom('asc', 'desc'),
});

async function ids(storage: StorageBackend, query: ListQuery, parentId: string): Promise<string[]> {
  const items = await storage.list({ resource: 'items', parentId }, query);
  return items.map((item) => item.id);
}

/** Registers the property test in a vitest `describe` named after the backend. */
export function runReferenceSemantics(options: ReferenceSemanticsOptions): void {
  describe(`reference semantics: ${options.name}`, () => {
    let backend: StorageBackend;
    let run = 0;
    beforeAll(async () => {
      backend = await options.create();
    });
    afterAll(async () => {
      await (options.cleanup ?? ((b) => b.close()))(backend);
    });

    it('filters, sorts and keyset pages on random data match the in-memory storage', async () => {
      await fc.assert(
        fc.asyncProperty(
          records,
          fc.array(filter, { maxLength: 2 }),
          fc.array(sortKey, { maxLength: 2 }),
          fc.integer({ min: 1, max: 5 }),
          fc.boolean(),
          async (rows, filters, sort, pageSize, includeDeleted) => {
            // Both stores get the same timestamps, so that sorting on last_modified compares too.
            let now = 1_700_000_000_000;
            const memory = memoryStorage({ clock: () => now });
            const parentId = `reference${Date.now()}-${run++}`;
            const collection = { resource: 'items', parentId };
            await backend.transaction(async (session) => {
              for (const [i, { a, b, deleted }] of rows.entries()) {
                const record: RecordFields & { id: string } = {
                  id: `r${String(i).padStart(2, '0')}`,
                };
                if (a !== undefined) record.a = a;
                if (b !== undefined) record.b = b;
                now += 10;
                await session.put(collection, record, { lastModified: now });
                await memory.put(collection, record, { lastModified: now });
                if (deleted) {
                  now += 10;
                  await session.delete(collection, record.id, { lastModified: now });
                  await memory.delete(collection, record.id, { lastModified: now });
                }
              }
            });
            const fullSort: Sort[] = [...sort, { path: ['id'], direction: 'asc' }];
            const query: ListQuery = { filters, sort: fullSort, includeDeleted };
            const expected = await ids(memory, query, parentId);
            expect(await ids(backend, query, parentId)).toEqual(expected);
            expect(await backend.count(collection, { filters, includeDeleted })).toBe(
              expected.length,
            );

            // Walk the same list in keyset pages.
            const walked: string[] = [];
            let after: JsonValue[] | undefined;
            for (;;) {
              const page = await memory.list(collection, { ...query, after, limit: pageSize });
              const stored = await backend.list(collection, { ...query, after, limit: pageSize });
              expect(stored.map((item) => item.id)).toEqual(page.map((item) => item.id));
              walked.push(...page.map((item) => item.id));
              const last = page.at(-1);
              if (!last || page.length < pageSize) break;
              after = fullSort.map(({ path }) => getPath(last, path) ?? null);
            }
            expect(walked).toEqual(expected);
          },
        ),
        { numRuns: options.numRuns ?? 300 },
      );
    }, 120_000);
  });
}
