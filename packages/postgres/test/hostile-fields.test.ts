import { type Filter, type FilterOperator, getPath, type JsonValue } from '@pawl/core';
import { postgresStorage } from '@pawl/postgres';
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { toSql } from '../src/query/condition.js';
import { filterCondition } from '../src/query/filters.js';
import { keysetCondition, orderTerms } from '../src/query/sorting.js';
import { DATABASE_URL, query, skipPostgres, testSchema } from './helpers.js';

const HOSTILE = [
  "a'); DROP TABLE records;--",
  '__proto__',
  '"',
  '$',
  '[0]',
  '0',
  '*',
  '\\',
  "'",
  '{a,b}',
  'NULL',
  '',
];
const OPERATORS: ReadonlyArray<[FilterOperator, JsonValue]> = [
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
const PATHS = (name: string) => [[name], ['nested', name], [name, 'deeper'], [name, name]];

/** Compiles without a server, to read the SQL text a query would send. */
const compiler = new Kysely<unknown>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

describe('hostile field names', () => {
  it('never reach the SQL text: paths and values are parameters', () => {
    // The names that could not be a word of the SQL itself (as `NULL`, `$` or `"` are).
    for (const name of ["a'); DROP TABLE records;--", '__proto__', '[0]', '{a,b}']) {
      for (const path of PATHS(name)) {
        const sort = [{ path, direction: 'desc' as const }];
        const fragments = [
          ...OPERATORS.map(([operator, value]) =>
            toSql(filterCondition({ path, operator, value })),
          ),
          toSql(keysetCondition(sort, ['x'])),
          toSql(keysetCondition(sort, [1])),
          ...orderTerms(sort).map((term) => term.expression),
        ];
        for (const fragment of fragments) {
          const { sql, parameters } = fragment.compile(compiler);
          expect(sql, name).not.toContain(name);
          expect(parameters.some((parameter) => JSON.stringify(parameter).includes(name))).toBe(
            true,
          );
        }
      }
    }
  });

  describe.skipIf(skipPostgres)('on PostgreSQL', () => {
    const schema = testSchema();
    const storage = postgresStorage({ connectionString: DATABASE_URL, schema });
    afterAll(() => storage.close());

    it('in filters and sorts, at any depth, never throw and find what they name', async () => {
      const notes = { resource: 'notes', parentId: '' };
      const fields = Object.fromEntries(HOSTILE.map((name) => [name, 'x']));
      await storage.put(notes, { id: 'plain', title: 'plain' });
      const stored = await storage.put(notes, { id: 'hostile', ...fields, nested: { ...fields } });
      expect(await storage.get(notes, 'hostile')).toStrictEqual(stored);

      for (const name of HOSTILE) {
        for (const path of PATHS(name)) {
          for (const [operator, value] of OPERATORS) {
            const filter: Filter = { path, operator, value };
            await storage.list(notes, {
              filters: [filter],
              sort: [{ path: ['id'], direction: 'asc' }],
            });
            await storage.count(notes, { filters: [filter], includeDeleted: true });
          }
          for (const direction of ['asc', 'desc'] as const) {
            const sort = [
              { path, direction },
              { path: ['id'], direction: 'asc' as const },
            ];
            const page = await storage.list(notes, { filters: [], sort, limit: 1 });
            const first = page[0] ?? {};
            const after = sort.map(({ path: keys }) => getPath(first, keys) ?? null);
            await storage.list(notes, { filters: [], sort, after });
          }
        }
        const eq = await storage.list(notes, {
          filters: [{ path: ['nested', name], operator: 'eq', value: 'x' }],
          sort: [{ path: ['id'], direction: 'asc' }],
        });
        expect(
          eq.map((item) => item.id),
          name,
        ).toEqual(['hostile']);
      }
      expect(await storage.count(notes, { filters: [] })).toBe(2);
      const tables = await query(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1',
        [schema],
      );
      expect(tables).toEqual(
        [
          'cache',
          'collection_counts',
          'pawl_migrations',
          'permissions',
          'records',
          'timestamps',
        ].map((table_name) => ({ table_name })),
      );
    });

    it('hostile resource names, parent ids and ids are data too', async () => {
      for (const name of HOSTILE) {
        const collection = { resource: name, parentId: name };
        const id = name || 'empty';
        await storage.put(collection, { id, name });
        expect(await storage.get(collection, id)).toMatchObject({ id, name });
        expect(await storage.delete(collection, id)).toMatchObject({ id, deleted: true });
      }
      expect(await storage.heartbeat()).toBe(true);
    });
  });
});
