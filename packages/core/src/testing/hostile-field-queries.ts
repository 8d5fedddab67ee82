/**
 * Field names that must stay data to a backend (quotes, SQL, JSON path and array syntax,
 * prototype names, the empty string), driven through every filter operator, both sort
 * directions and a keyset position, at any depth. Backends run it and then check what reached
 * their database (the SQL text, the tables); `runStorageConformance` runs it too.
 *
 * @module
 */
import { expect } from 'vitest';
import { getPath } from '../storage/json-order.js';
import type {
  CollectionRef,
  Filter,
  FilterOperator,
  JsonValue,
  StorageBackend,
} from '../storage/types.js';

export const HOSTILE_FIELD_NAMES: readonly string[] = [
  "a'); DROP TABLE records;--",
  '__proto__',
  '"',
  '$',
  '$.a',
  '[0]',
  '0',
  '*',
  '\\',
  "'",
  '{a,b}',
  'NULL',
  '',
];

/** The operators and values the hostile names are tried with. */
export const HOSTILE_FILTERS: ReadonlyArray<[FilterOperator, JsonValue]> = [
  ['eq', 'x'],
  ['not', 1],
  ['lt', 5],
  ['gt', 'a'],
  ['min', null],
  ['max', true],
  ['in', [1, 'x', { a: [1] }]],
  ['exclude', ['x']],
  ['has', true],
  ['like', "%'_*"],
  ['contains', ['x', { k: 1 }]],
  ['contains_any', [1, [2]]],
];

/** The paths a hostile name is tried at: alone, nested, as a parent, twice. */
export function hostilePaths(name: string): string[][] {
  return [[name], ['nested', name], [name, 'deeper'], [name, name]];
}

/**
 * Stores a plain record and one carrying every hostile name (at the top and under `nested`)
 * in `collection`, which must be empty, then queries them with every name: no call may
 * throw, an equality filter on each nested name finds the hostile record, and the
 * collection still counts two records.
 */
export async function exerciseHostileFieldNames(
  storage: StorageBackend,
  collection: CollectionRef,
): Promise<void> {
  const fields = Object.fromEntries(HOSTILE_FIELD_NAMES.map((name) => [name, 'x']));
  await storage.put(collection, { id: 'plain', title: 'plain' });
  const stored = await storage.put(collection, { id: 'hostile', ...fields, nested: { ...fields } });
  expect(await storage.get(collection, 'hostile')).toStrictEqual(stored);

  for (const name of HOSTILE_FIELD_NAMES) {
    for (const path of hostilePaths(name)) {
      for (const [operator, value] of HOSTILE_FILTERS) {
        const filter: Filter = { path, operator, value };
        await storage.list(collection, {
          filters: [filter],
          sort: [{ path: ['id'], direction: 'asc' }],
        });
        await storage.count(collection, { filters: [filter], includeDeleted: true });
      }
      for (const direction of ['asc', 'desc'] as const) {
        const sort = [
          { path, direction },
          { path: ['id'], direction: 'asc' as const },
        ];
        const page = await storage.list(collection, { filters: [], sort, limit: 1 });
        const first = page[0] ?? {};
        const after = sort.map(({ path: keys }) => getPath(first, keys) ?? null);
        await storage.list(collection, { filters: [], sort, after });
      }
    }
    const eq = await storage.list(collection, {
      filters: [{ path: ['nested', name], operator: 'eq', value: 'x' }],
      sort: [{ path: ['id'], direction: 'asc' }],
    });
    expect(
      eq.map((item) => item.id),
      name,
    ).toEqual(['hostile']);
  }
  expect(await storage.count(collection, { filters: [] })).toBe(2);
}
