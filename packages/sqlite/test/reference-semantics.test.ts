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
import { sqliteStorage } from '@pawl/sqlite';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Random records (some then deleted) and queries, answered by the SQLite storage and by the
 * in-memory reference: filters, sorts and keyset pages, with and without tombstones, must agree
 * on every one. Fields `a` and `b` take values of
 * every JSON type (or are missing); `a` is also declared as an expression index, so both ways
 * of reading a field are exercised.
 */
const scalar = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -3, max: 3 }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
  fc.constantFrom('', 'a', 'A', 'ab', 'b', 'é', 'ｚ', '😀', '1', 'true', 'a%b', 'a_b', 'x\ny'),
);
const value: fc.Arbitrary<JsonValue> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  {
    weight: 1,
    arbitrary: fc.dictionary(fc.constantFrom('k', 'n', 'é'), scalar, { maxKeys: 2 }),
  },
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
  path: fc.constantFrom(['a'], ['b'], ['a', 'k'], ['b', 'n'], ['deleted']),
  operator: fc.constantFrom(...OPERATORS),
  value: fc.oneof(value, fc.array(value, { maxLength: 3 }), fc.constantFrom('*', 'a*', '*b*', '%')),
});
const sortKey: fc.Arbitrary<Sort> = fc.record({
  path: fc.constantFrom(['a'], ['b'], ['a', 'k'], ['deleted']),
  direction: fc.constantFrom('asc', 'desc'),
});

const sqlite = sqliteStorage({ path: ':memory:', indexes: { items: ['a', 'a.k'] } });
afterAll(() => sqlite.close());

async function ids(storage: StorageBackend, query: ListQuery, parentId: string): Promise<string[]> {
  const items = await storage.list({ resource: 'items', parentId }, query);
  return items.map((item) => item.id);
}

let run = 0;

describe('agreement with the reference semantics', () => {
  it('filters, sorts and keyset pages on random data match the in-memory storage', async () => {
    await fc.assert(
      fc.asyncProperty(
        records,
        fc.array(filter, { maxLength: 2 }),
        fc.array(sortKey, { maxLength: 2 }),
        fc.integer({ min: 1, max: 5 }),
        fc.boolean(),
        async (rows, filters, sort, pageSize, includeDeleted) => {
          const memory = memoryStorage();
          const parentId = `run${run++}`;
          const collection = { resource: 'items', parentId };
          for (const [i, { a, b, deleted }] of rows.entries()) {
            const record: RecordFields & { id: string } = { id: `r${String(i).padStart(2, '0')}` };
            if (a !== undefined) record.a = a;
            if (b !== undefined) record.b = b;
            for (const storage of [sqlite, memory]) {
              await storage.put(collection, record);
              if (deleted) await storage.delete(collection, record.id);
            }
          }
          const fullSort: Sort[] = [...sort, { path: ['id'], direction: 'asc' }];
          const query: ListQuery = { filters, sort: fullSort, includeDeleted };
          const expected = await ids(memory, query, parentId);
          expect(await ids(sqlite, query, parentId)).toEqual(expected);
          expect(await sqlite.count(collection, { filters, includeDeleted })).toBe(expected.length);

          // Walk the same list in keyset pages.
          const walked: string[] = [];
          let after: JsonValue[] | undefined;
          for (;;) {
            const page = await memory.list(collection, { ...query, after, limit: pageSize });
            const sqlitePage = await sqlite.list(collection, { ...query, after, limit: pageSize });
            expect(sqlitePage.map((item) => item.id)).toEqual(page.map((item) => item.id));
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
  }, 60_000);
});
