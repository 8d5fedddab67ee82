import {
  type Filter,
  type FilterOperator,
  getPath,
  type JsonValue,
  type ListQuery,
  memoryStorage,
  type RecordFields,
  type Sort,
  type StorageBackend,
} from '@pawl/core';
import { postgresStorage } from '@pawl/postgres';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DATABASE_URL, skipPostgres, testSchema } from './helpers.js';

/**
 * Random records (some then deleted) and queries, answered by the PostgreSQL storage and by the
 * in-memory reference: filters, sorts and keyset pages, with and without tombstones, must agree
 * on every one. Fields `a` and `b` take values of every JSON type (or are missing).
 *
 * Arrays and objects are ordered by their text, which `jsonb` writes its own way (keys sorted,
 * numbers in plain notation): objects have one key and numbers are written alike, so that
 * the texts order the same way.
 */
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

const OPERATORS: FilterOperator[] = [
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
  operator: fc.constantFrom(...OPERATORS),
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

const schema = testSchema();
const postgres = postgresStorage({ connectionString: DATABASE_URL, schema });
afterAll(() => postgres.close());

async function ids(storage: StorageBackend, query: ListQuery, parentId: string): Promise<string[]> {
  const items = await storage.list({ resource: 'items', parentId }, query);
  return items.map((item) => item.id);
}

let run = 0;

describe.skipIf(skipPostgres)('agreement with the reference semantics', () => {
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
          const parentId = `run${run++}`;
          const collection = { resource: 'items', parentId };
          await postgres.transaction(async (session) => {
            for (const [i, { a, b, deleted }] of rows.entries()) {
              const record: RecordFields & { id: string } = {
                id: `r${String(i).padStart(2, '0')}`,
              };
              if (a !== undefined) record.a = a;
              if (b !== undefined) record.b = b;
              now += 10;
              const stored = await session.put(collection, record, { lastModified: now });
              await memory.put(collection, record, { lastModified: stored.last_modified });
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
          expect(await ids(postgres, query, parentId)).toEqual(expected);
          expect(await postgres.count(collection, { filters, includeDeleted })).toBe(
            expected.length,
          );

          // Walk the same list in keyset pages.
          const walked: string[] = [];
          let after: JsonValue[] | undefined;
          for (;;) {
            const page = await memory.list(collection, { ...query, after, limit: pageSize });
            const stored = await postgres.list(collection, { ...query, after, limit: pageSize });
            expect(stored.map((item) => item.id)).toEqual(page.map((item) => item.id));
            walked.push(...page.map((item) => item.id));
            const last = page.at(-1);
            if (!last || page.length < pageSize) break;
            after = fullSort.map(({ path }) => getPath(last, path) ?? null);
          }
          expect(walked).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  }, 120_000);
});
