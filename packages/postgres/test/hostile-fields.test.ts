import {
  exerciseHostileFieldNames,
  HOSTILE_FIELD_NAMES,
  HOSTILE_FILTERS,
  hostilePaths,
} from '@pawl/core/testing';
import { postgresStorage } from '@pawl/postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { toSql } from '../src/query/condition.js';
import { filterCondition } from '../src/query/filters.js';
import { keysetCondition, orderTerms } from '../src/query/sorting.js';
import { compiler, DATABASE_URL, query, skipPostgres, testSchema } from './helpers.js';

/** Compiles without a server, to read the SQL text a query would send. */
describe('hostile field names', () => {
  it('never reach the SQL text: paths and values are parameters', () => {
    // The names that could not be a word of the SQL itself (as `NULL`, `$` or `"` are).
    for (const name of ["a'); DROP TABLE records;--", '__proto__', '[0]', '{a,b}']) {
      for (const path of hostilePaths(name)) {
        const sort = [{ path, direction: 'desc' as const }];
        const fragments = [
          ...HOSTILE_FILTERS.map(([operator, value]) =>
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
      await exerciseHostileFieldNames(storage, { resource: 'notes', parentId: '' });
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
      for (const name of HOSTILE_FIELD_NAMES) {
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
