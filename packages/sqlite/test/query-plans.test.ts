import { join } from 'node:path';
import type { Filter, ListQuery, Sort } from '@pawl/core';
import { type QueryLog, type SqliteStorage, sqliteStorage } from '@pawl/sqlite';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporaryDirectory } from './helpers.js';

const directory = temporaryDirectory();
const file = join(directory, 'plans.db');
const INDEXES = { articles: ['unread', 'stored_on', 'author.name'] };
const articles = { resource: 'articles', parentId: 'u1' };
const LATEST: Sort = { path: ['last_modified'], direction: 'desc' };
const BY_ID: Sort = { path: ['id'], direction: 'asc' };

let storage: SqliteStorage;
let statements: QueryLog[] = [];
let snapshot = 0;

/** The query plan of the list query `query` runs, one line per step. */
async function planOf(query: ListQuery): Promise<string[]> {
  statements = [];
  await storage.list(articles, query);
  const listing = statements.find((statement) => statement.sql.startsWith('select'));
  if (!listing) throw new Error('no list statement was logged');
  const reader = new Database(file, { readonly: true });
  try {
    const rows = reader
      .prepare(`EXPLAIN QUERY PLAN ${listing.sql}`)
      .all(...listing.parameters) as Array<{ detail: string }>;
    return rows.map((row) => row.detail);
  } finally {
    reader.close();
  }
}

/** A list query as core sends it: with the snapshot bound, `-last_modified` and `id` last. */
function listQuery(sort: Sort[], extra: Partial<ListQuery> = {}): ListQuery {
  const bound: Filter = { path: ['last_modified'], operator: 'max', value: snapshot };
  return {
    ...extra,
    filters: [bound, ...(extra.filters ?? [])],
    sort: [...sort, LATEST, BY_ID],
    limit: 26,
  };
}

/** The name of the expression index of `field` (a dotted name). */
function indexOf(field: string): string {
  const reader = new Database(file, { readonly: true });
  try {
    const path = field
      .split('.')
      .map((key) => `."${key}"`)
      .join('');
    const row = reader
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND instr(sql, ?) > 0")
      .get(`'$${path}'`) as { name: string } | undefined;
    if (!row) throw new Error(`no index on ${field}`);
    return row.name;
  } finally {
    reader.close();
  }
}

/** The same query through a storage that declares no index, which reads fields with bound paths. */
async function withoutIndexes(query: ListQuery): Promise<string[]> {
  const plain = sqliteStorage({ path: file });
  try {
    return (await plain.list(articles, query)).map((item) => item.id);
  } finally {
    await plain.close();
  }
}

/** Checks the plan of `query` and that the index changes nothing in its result. */
async function expectPlan(query: ListQuery, index: string, search: RegExp): Promise<string[]> {
  const plan = await planOf(query);
  expect(plan[0]).toContain(`USING INDEX ${index} `);
  expect(plan[0]).toMatch(search);
  const ids = (await storage.list(articles, query)).map((item) => item.id);
  expect(ids).toEqual(await withoutIndexes(query));
  expect(ids.length).toBeGreaterThan(0);
  return plan;
}

const NO_SORT_STEP = (plan: string[]) => expect(plan.join('\n')).not.toMatch(/TEMP B-TREE/);

beforeAll(async () => {
  storage = sqliteStorage({
    path: file,
    indexes: INDEXES,
    log: (statement) => statements.push(statement),
  });
  // Three users, so that the collection is a slice of the table as in real use.
  for (const parentId of ['u0', 'u1', 'u2']) {
    await storage.transaction(async (session) => {
      for (let n = 0; n < 1500; n++) {
        await session.put(
          { resource: 'articles', parentId },
          {
            id: `a${n}`,
            unread: n % 3 !== 0,
            stored_on: 1_700_000_000_000 + n,
            author: { name: `author ${n % 40}` },
            title: `title ${n}`,
          },
        );
      }
    });
  }
  snapshot = await storage.timestamp(articles);
});

afterAll(async () => {
  await storage.close();
});

describe('expression indexes', () => {
  it('one index per declared field, named by a hash, created once', async () => {
    const names = INDEXES.articles.map(indexOf);
    for (const name of names) expect(name).toMatch(/^pawl_field_[0-9a-f]{16}$/);
    expect(new Set(names).size).toBe(3);
    const again = sqliteStorage({
      path: file,
      indexes: { articles: ['unread'], other: ['unread'] },
    });
    await again.close();
    const reader = new Database(file, { readonly: true });
    const count = reader
      .prepare(
        "SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND name LIKE 'pawl_field_%'",
      )
      .get() as { n: number };
    reader.close();
    expect(count.n).toBe(3);
  });

  it('holds live records only, and replaces an index of the earlier layout on open', async () => {
    const reader = new Database(file);
    const unread = indexOf('unread');
    const { sql: definition } = reader
      .prepare('SELECT sql FROM sqlite_master WHERE name = ?')
      .get(unread) as { sql: string };
    expect(definition).toMatch(/\) WHERE deleted = 0$/);
    // An index as earlier versions made it: the same columns, tombstones included.
    const earlier = definition
      .replace(unread, 'pawl_field_00000000000000ff')
      .replace(/ WHERE deleted = 0$/, '');
    reader.exec(earlier);
    reader.close();
    const reopened = sqliteStorage({ path: file, indexes: INDEXES });
    await reopened.close();
    const after = new Database(file, { readonly: true });
    const names = after
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'pawl_field_%'")
      .all()
      .map((row) => (row as { name: string }).name);
    after.close();
    expect(names).not.toContain('pawl_field_00000000000000ff');
    expect(names).toContain(unread);
  });

  it('counts the matches of a filter on an indexed field in its index', async () => {
    statements = [];
    const filters: Filter[] = [{ path: ['unread'], operator: 'eq', value: true }];
    expect(await storage.count(articles, { filters })).toBe(1000);
    const counting = statements.find((statement) => statement.sql.startsWith('select count'));
    if (!counting) throw new Error('no count statement was logged');
    const reader = new Database(file, { readonly: true });
    const plan = reader
      .prepare(`EXPLAIN QUERY PLAN ${counting.sql}`)
      .all(...counting.parameters) as Array<{ detail: string }>;
    reader.close();
    expect(plan[0]?.detail).toContain(`USING INDEX ${indexOf('unread')} `);
  });

  it('refuses field names that cannot be written safely', () => {
    for (const field of ["x'); DROP TABLE records;--", 'a b', 'a..b', '', 'é', 'a"b', 'id']) {
      expect(() => sqliteStorage({ path: file, indexes: { articles: [field] } }), field).toThrow(
        /Cannot index/,
      );
    }
    const reader = new Database(file, { readonly: true });
    const tables = reader.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
    reader.close();
    expect(tables).toContainEqual({ name: 'records' });
  });

  it('an equality filter reads the index in the default order', async () => {
    const query = listQuery([], { filters: [{ path: ['unread'], operator: 'eq', value: true }] });
    const plan = await expectPlan(query, indexOf('unread'), /<expr>=\? AND <expr>=\?/);
    NO_SORT_STEP(plan);
  });

  it('the uniqueness lookup core makes on writes reads the unique field index', async () => {
    // The shape of checkUnique (packages/core/src/resource/record-rules.ts): equality on the
    // field, ordered by the field then id, two rows at most.
    const query: ListQuery = {
      filters: [{ path: ['stored_on'], operator: 'eq', value: 1_700_000_000_007 }],
      sort: [{ path: ['stored_on'], direction: 'asc' }, BY_ID],
      limit: 2,
    };
    // A search on the index; the id tie-break sorts only the matches, never the collection.
    await expectPlan(query, indexOf('stored_on'), /<expr>=\? AND <expr>=\?/);
  });

  it('an equality filter on a nested field reads its index', async () => {
    const query = listQuery([], {
      filters: [{ path: ['author', 'name'], operator: 'eq', value: 'author 7' }],
    });
    NO_SORT_STEP(await expectPlan(query, indexOf('author.name'), /<expr>=\?/));
  });

  it('a descending sort reads the index backwards, also from a deep keyset position', async () => {
    const sort: Sort[] = [{ path: ['stored_on'], direction: 'desc' }];
    NO_SORT_STEP(
      await expectPlan(listQuery(sort), indexOf('stored_on'), /\(resource=\? AND parent_id=\?/),
    );
    const deep = listQuery(sort, { after: [1_700_000_000_200, snapshot - 1300, 'a200'] });
    NO_SORT_STEP(await expectPlan(deep, indexOf('stored_on'), /<expr><\?/));
  });

  it('an ascending sort reads the index forwards, sorting only ties', async () => {
    const sort: Sort[] = [{ path: ['stored_on'], direction: 'asc' }];
    const plan = await expectPlan(listQuery(sort), indexOf('stored_on'), /parent_id=\?/);
    expect(plan.join('\n')).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
    const deep = listQuery(sort, { after: [1_700_000_000_200, snapshot - 1300, 'a200'] });
    await expectPlan(deep, indexOf('stored_on'), /<expr>>\?/);
  });

  it('a range filter on an indexed field is an index range', async () => {
    const query = listQuery([{ path: ['stored_on'], direction: 'desc' }], {
      filters: [{ path: ['stored_on'], operator: 'gt', value: 1_700_000_001_400 }],
    });
    NO_SORT_STEP(await expectPlan(query, indexOf('stored_on'), /<expr>>\?/));
  });

  it('a sort on a field without an index needs a sort step (the contrast)', async () => {
    const plan = await planOf(listQuery([{ path: ['title'], direction: 'asc' }]));
    expect(plan.join('\n')).toMatch(/USE TEMP B-TREE FOR ORDER BY/);
  });
});

describe('the base index', () => {
  it('writes the page size into the SQL, not as a bound parameter', async () => {
    // A bound `LIMIT ?` makes SQLite (built with STAT4) run the same statement slower.
    statements = [];
    expect(
      await storage.list(articles, { filters: [], sort: [LATEST, BY_ID], limit: 7 }),
    ).toHaveLength(7);
    const listing = statements.find((statement) => statement.sql.startsWith('select'));
    expect(listing?.sql).toMatch(/ limit 7$/);
    expect(listing?.parameters).not.toContain(7);
  });

  it('serves the default sort without a sort step', async () => {
    NO_SORT_STEP(await expectPlan(listQuery([]), 'records_last_modified', /parent_id=\?/));
  });

  it('starts a deep keyset page at its position', async () => {
    const query = listQuery([], { after: [snapshot - 1300, 'a200'] });
    NO_SORT_STEP(await expectPlan(query, 'records_last_modified', /last_modified<\?/));
  });

  it('serves _since polling as a range', async () => {
    const query = listQuery([], {
      filters: [{ path: ['last_modified'], operator: 'gt', value: snapshot - 20 }],
      includeDeleted: true,
    });
    NO_SORT_STEP(await expectPlan(query, 'records_last_modified', /last_modified>\?/));
  });
});
