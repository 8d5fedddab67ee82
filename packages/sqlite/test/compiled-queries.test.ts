/**
 * Lists and counts are compiled once per query shape: a query of a known shape must get
 * exactly the SQL and parameters a fresh compilation gives it, and shapes whose SQL depends
 * on a value in another way than as a parameter must be compiled every time.
 */
import type { CollectionRef, Filter, ListQuery } from '@pawl/core';
import { FILTER_OPERATORS } from '@pawl/core/testing';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { describe, expect, it, vi } from 'vitest';
import { type CompiledQuery, standInString } from '../src/query/compiled-queries.js';
import { fieldResolver } from '../src/query/fields.js';
import { recordQueries } from '../src/query/record-queries.js';
import type { Schema } from '../src/schema/tables.js';

const database = new Kysely<Schema>({
  dialect: new SqliteDialect({ database: new Database(':memory:') }),
});
const fields = () => fieldResolver(new Set(['url']));
const ref = (parentId: string): CollectionRef => ({ resource: 'articles', parentId });
const sqlOf = ({ sql, parameters }: CompiledQuery) => ({ sql, parameters });

const PATHS = [['url'], ['title'], ['author', 'name'], ['id'], ['last_modified']];

/** Queries of many shapes, each with two sets of values of the same types. */
function pairs(): Array<[ListQuery, ListQuery, string, string]> {
  const made: Array<[ListQuery, ListQuery, string, string]> = [];
  for (const operator of FILTER_OPERATORS) {
    for (const path of PATHS) {
      for (const [first, second] of [
        ['a', 'b*c'],
        [3, 4.5],
        [true, true],
        [false, false],
        [null, null],
      ] as const) {
        const query = (value: string | number | boolean | null, after?: string): ListQuery => ({
          filters: [{ path, operator, value } as Filter],
          sort: [
            { path, direction: 'desc' },
            { path: ['id'], direction: 'asc' },
          ],
          limit: 26,
          includeDeleted: operator === 'gt',
          ...(after === undefined ? {} : { after: [value, after] }),
        });
        made.push([query(first), query(second), 'alice', 'bob']);
        made.push([query(first, 'x'), query(second, 'y'), 'alice', 'bob']);
      }
    }
  }
  return made;
}

describe('compiled queries', () => {
  it('give a query of a known shape the SQL and parameters of a fresh compilation', () => {
    const cached = recordQueries(database, fields);
    for (const [warm, query, warmParent, parent] of pairs()) {
      cached.list(ref(warmParent), warm);
      const fresh = recordQueries(database, fields);
      expect(sqlOf(cached.list(ref(parent), query)), JSON.stringify(query)).toEqual(
        sqlOf(fresh.list(ref(parent), query)),
      );
      const count = { filters: query.filters, includeDeleted: query.includeDeleted };
      cached.count(ref(warmParent), { ...count, filters: warm.filters });
      expect(sqlOf(cached.count(ref(parent), count))).toEqual(
        sqlOf(fresh.count(ref(parent), count)),
      );
    }
  });

  it('build a shape once, and every query whose values change its SQL each time', () => {
    const built = vi.spyOn(database, 'selectFrom');
    const queries = recordQueries(database, fields);
    const lookup = (value: string): ListQuery => ({
      filters: [{ path: ['url'], operator: 'eq', value }],
      sort: [
        { path: ['url'], direction: 'asc' },
        { path: ['id'], direction: 'asc' },
      ],
      limit: 2,
    });
    queries.list(ref('alice'), lookup('https://example.com/1'));
    // With two sets of stand-in values, then as it is to check them.
    expect(built).toHaveBeenCalledTimes(3);
    const second = queries.list(ref('bob'), lookup('https://example.com/2'));
    expect(built).toHaveBeenCalledTimes(3);
    expect(second.parameters).toContain('https://example.com/2');
    expect(second.parameters).toContain('bob');

    // `like` turns its value into a pattern; an array or an object is part of the SQL.
    const like = (value: string): ListQuery => ({
      filters: [{ path: ['title'], operator: 'like', value }],
      sort: [{ path: ['id'], direction: 'asc' }],
    });
    queries.list(ref('alice'), like('one'));
    const pattern = queries.list(ref('alice'), like('two'));
    expect(pattern.parameters).toContain('%two%');
    const tagged: ListQuery = {
      filters: [{ path: ['tags'], operator: 'contains', value: ['a'] }],
      sort: [{ path: ['id'], direction: 'asc' }],
    };
    queries.list(ref('alice'), tagged);
    queries.list(ref('alice'), tagged);
    expect(built).toHaveBeenCalledTimes(3 + 3 + 1 + 2);

    // `true` and `false` make different SQL: two shapes, each built once.
    const unread = (value: boolean): ListQuery => ({
      filters: [{ path: ['unread'], operator: 'eq', value }],
      sort: [{ path: ['id'], direction: 'asc' }],
    });
    const [yes, no] = [queries.list(ref('a'), unread(true)), queries.list(ref('a'), unread(false))];
    expect(yes.sql).not.toBe(no.sql);
    queries.list(ref('b'), unread(true));
    queries.list(ref('b'), unread(false));
    expect(built).toHaveBeenCalledTimes(9 + 6);
    built.mockRestore();
  });

  it('are not misled by a first query whose value is a stand-in', () => {
    for (const set of [0, 1] as const) {
      const queries = recordQueries(database, fields);
      const like = (value: string): ListQuery => ({
        filters: [{ path: ['title'], operator: 'like', value }],
        sort: [{ path: ['id'], direction: 'asc' }],
      });
      // `parent_id` is value 1, the filter's value 2.
      queries.list(ref('alice'), like(standInString(set, 2)));
      expect(queries.list(ref('alice'), like('foo')).parameters).toContain('%foo%');
    }
  });
});
