import type { CountQuery, Filter, ListQuery, Sort } from '@pawl/core';
import { type PostgresStorage, postgresStorage } from '@pawl/postgres';
import { Client, Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planExpressionIndexes } from '../src/schema/expression-indexes.js';
import { compiler, DATABASE_URL, query, skipPostgres, testSchema } from './helpers.js';

/**
 * The plans PostgreSQL makes for the statements the storage sends, with their parameters, on
 * 5,100 records: declared fields are read through their expression indexes.
 */
const schema = testSchema();
const INDEXES = { articles: ['unread', 'favorite', 'stored_on', 'url', 'author.name'] };
const articles = { resource: 'articles', parentId: 'u1' };
const LATEST: Sort = { path: ['last_modified'], direction: 'desc' };
const BY_ID: Sort = { path: ['id'], direction: 'asc' };

interface Statement {
  readonly text: string;
  readonly values: readonly unknown[];
}

/** What the storage sent, recorded by the pool lent to it. */
let statements: Statement[] = [];
const pool = new Pool({ connectionString: DATABASE_URL, max: 2 });
pool.on('error', () => {});
pool.on('connect', (client) => {
  const send = client.query.bind(client) as (text: unknown, values?: unknown) => unknown;
  Object.assign(client, {
    query: (text: unknown, values?: unknown) => {
      if (typeof text === 'string') {
        statements.push({ text, values: Array.isArray(values) ? values : [] });
      }
      return send(text, values);
    },
  });
});
const storage: PostgresStorage = postgresStorage({ pool, schema, indexes: INDEXES });
let snapshot = 0;

/** Renders without a server, to name the indexes as the storage does. */
/** The names of the equality and order indexes of `field` of articles, and of its statistics. */
function indexesOf(field: string): { equality: string; order: string; statistics: string } {
  const planned = planExpressionIndexes(
    { articles: [field] },
    (fragment) => fragment.compile(compiler).sql,
  );
  const [equality, order] = planned.filter((object) => object.kind === 'index');
  const statistics = planned.find((object) => object.kind === 'statistics');
  if (!equality || !order || !statistics) throw new Error(`no index planned for ${field}`);
  return { equality: equality.name, order: order.name, statistics: statistics.name };
}

/** The one statement of `run` that starts with `prefix`. */
async function sent(run: () => Promise<unknown>, prefix: string): Promise<Statement> {
  statements = [];
  await run();
  const found = statements.filter((statement) => statement.text.startsWith(prefix));
  if (found.length !== 1) throw new Error(`${found.length} statements start with ${prefix}`);
  return found[0] as Statement;
}

/** The plan PostgreSQL makes for `statement` and its parameters, one line per row. */
async function planOf(statement: Statement): Promise<string> {
  const rows = (await query(`EXPLAIN ${statement.text}`, [...statement.values])) as Array<{
    'QUERY PLAN': string;
  }>;
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}

/** The rows of `statement` when PostgreSQL may use no index at all. */
async function withoutIndexes(statement: Statement): Promise<unknown[]> {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query('BEGIN');
    for (const scan of ['indexscan', 'bitmapscan', 'indexonlyscan']) {
      await client.query(`SET LOCAL enable_${scan} = off`);
    }
    const { rows } = await client.query(statement.text, [...statement.values]);
    await client.query('COMMIT');
    return rows;
  } finally {
    await client.end();
  }
}

/**
 * Lists `query`, checks that its plan reads `index` and never scans the table, and that the
 * index changes nothing in the result; resolves to the plan.
 */
async function expectListPlan(query: ListQuery, index: string): Promise<string> {
  const statement = await sent(() => storage.list(articles, query), 'select "r"."id"');
  const plan = await planOf(statement);
  expect(plan).toContain(` using ${index} on records r`);
  expect(plan).not.toContain('Seq Scan');
  const ids = (await storage.list(articles, query)).map((item) => item.id);
  expect(ids.length).toBeGreaterThan(0);
  expect(ids).toEqual(
    ((await withoutIndexes(statement)) as Array<{ id: string }>).map((row) => row.id),
  );
  return plan;
}

/** No step of `plan` sorts all its rows (an incremental sort of ties is fine). */
const NO_SORT_STEP = (plan: string) => expect(plan).not.toMatch(/(^|-> {2})Sort/m);

/** A list query as core sends it: `-last_modified` and `id` last; later pages are bounded. */
function listQuery(sort: Sort[], extra: Partial<ListQuery> = {}, bounded = false): ListQuery {
  const bound: Filter[] = bounded
    ? [{ path: ['last_modified'], operator: 'max', value: snapshot }]
    : [];
  return {
    ...extra,
    filters: [...(extra.filters ?? []), ...bound],
    sort: [...sort, LATEST, BY_ID],
    limit: 26,
  };
}

beforeAll(async () => {
  if (skipPostgres) return;
  // Three users, so that the collection is a slice of the table as in real use.
  for (const parentId of ['u0', 'u1', 'u2']) {
    await storage.transaction(async (session) => {
      const collection = { resource: 'articles', parentId };
      for (let n = 0; n < 1700; n++) {
        await session.put(collection, {
          id: `a${n}`,
          unread: n % 3 !== 0,
          favorite: n % 20 === 0,
          stored_on: 1_700_000_000_000 + n,
          url: `https://example.com/${parentId}/${n}`,
          author: { name: `author ${n % 40}` },
          title: `title ${n}`,
        });
      }
      for (let n = 5; n < 1700; n += 10) await session.delete(collection, `a${n}`);
    });
  }
  await query(`ANALYZE "${schema}".records`);
  snapshot = await storage.timestamp(articles);
}, 60_000);

afterAll(async () => {
  await storage.close();
  await pool.end();
});

describe.skipIf(skipPostgres)('expression indexes', () => {
  it('two indexes and statistics per declared field, named by a hash, created once', async () => {
    const expected = INDEXES.articles.flatMap((field) => Object.values(indexesOf(field))).sort();
    const names = async () =>
      (
        (await query(
          `SELECT indexname AS name FROM pg_indexes WHERE schemaname = $1
          UNION ALL SELECT stxname FROM pg_statistic_ext
            JOIN pg_namespace ON pg_namespace.oid = stxnamespace WHERE nspname = $1
          ORDER BY 1`,
          [schema],
        )) as Array<{ name: string }>
      )
        .map((row) => row.name)
        .filter((name) => /^pawl_(field|stats)_/.test(name));
    expect(await names()).toEqual(expected);
    for (const name of expected) expect(name).toMatch(/^pawl_(field|stats)_[0-9a-f]{16}$/);

    // Opening again with them in place takes no lock: it only reads the catalog.
    const again = postgresStorage({ pool, schema, indexes: INDEXES });
    statements = [];
    await again.timestamp(articles);
    const sentText = statements.map((statement) => statement.text).join('\n');
    expect(sentText).not.toMatch(/CREATE|LOCK|ANALYZE/i);
    await again.close();
    expect(await names()).toEqual(expected);
  });

  it('storages opening at once create each new index once', async () => {
    const notes = { resource: 'notes', parentId: '' };
    const opened = [1, 2, 3, 4].map(() =>
      postgresStorage({ connectionString: DATABASE_URL, schema, indexes: { notes: ['a', 'b.c'] } }),
    );
    await Promise.all(opened.map((each, i) => each.put(notes, { id: `n${i}`, a: i })));
    const rows = await query(
      "SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = $1 AND indexdef LIKE '%''notes''::text%'",
      [schema],
    );
    expect(rows).toEqual([{ n: 4 }]);
    await Promise.all(opened.map((each) => each.close()));
  });

  it('refuses names that cannot be written safely, before any statement', () => {
    const hostile = ["x'); DROP TABLE records;--", 'a b', 'a..b', '', 'é', 'a"b', "a'b", 'id'];
    const open = (indexes: Record<string, string[]>) => () =>
      postgresStorage({ connectionString: DATABASE_URL, schema, indexes });
    for (const field of hostile) expect(open({ articles: [field] }), field).toThrow(/Cannot index/);
    expect(open({ "a'": ['unread'] })).toThrow(/Cannot index/);
  });
});

describe.skipIf(skipPostgres)('query plans', () => {
  it('an equality filter reads its index in the default order, first and later pages', async () => {
    const favorite = indexesOf('favorite').equality;
    for (const bounded of [false, true]) {
      const filters: Filter[] = [{ path: ['favorite'], operator: 'eq', value: true }];
      const plan = await expectListPlan(listQuery([], { filters }, bounded), favorite);
      expect(plan).toContain('Index Scan Backward');
      NO_SORT_STEP(plan);
    }
  });

  it('an equality filter on a nested field reads its index', async () => {
    const filters: Filter[] = [{ path: ['author', 'name'], operator: 'eq', value: 'author 7' }];
    const plan = await expectListPlan(
      listQuery([], { filters }),
      indexesOf('author.name').equality,
    );
    NO_SORT_STEP(plan);
  });

  it('a count with a filter reads only the matches in its index', async () => {
    const counted: CountQuery = {
      filters: [{ path: ['favorite'], operator: 'eq', value: true }],
    };
    const statement = await sent(() => storage.count(articles, counted), 'select count(*)');
    const plan = await planOf(statement);
    expect(plan).toContain(` using ${indexesOf('favorite').equality} on records r`);
    expect(plan).not.toContain('Seq Scan');
    // Estimated from the field's statistics (a partial index has none for the planner): 85.
    const estimate = Number(/using pawl_field_\w+ on records r .*rows=(\d+)/.exec(plan)?.[1]);
    expect(estimate).toBeGreaterThan(40);
    expect(estimate).toBeLessThan(170);
    expect(await storage.count(articles, counted)).toBe(85);
    expect(await withoutIndexes(statement)).toEqual([{ count: '85' }]);
  });

  it('the uniqueness lookup core makes on writes reads the unique field index', async () => {
    // The shape of checkUnique (packages/core/src/resource/record-rules.ts): equality on the
    // field, ordered by the field then id, two rows at most.
    const query: ListQuery = {
      filters: [{ path: ['url'], operator: 'eq', value: 'https://example.com/u1/7' }],
      sort: [{ path: ['url'], direction: 'asc' }, BY_ID],
      limit: 2,
    };
    await expectListPlan(query, indexesOf('url').equality);
  });

  it('a descending sort reads the order index backwards, without sorting', async () => {
    const sort: Sort[] = [{ path: ['stored_on'], direction: 'desc' }];
    for (const bounded of [false, true]) {
      const plan = await expectListPlan(listQuery(sort, {}, bounded), indexesOf('stored_on').order);
      expect(plan).toContain('Index Scan Backward');
      NO_SORT_STEP(plan);
    }
  });

  it('an ascending sort reads the order index forwards, sorting only ties', async () => {
    const sort: Sort[] = [{ path: ['stored_on'], direction: 'asc' }];
    NO_SORT_STEP(await expectListPlan(listQuery(sort), indexesOf('stored_on').order));
  });

  it('a deep keyset page on a number starts at its position in the order index', async () => {
    // The position of a page 1,200 records deep: `(rank, number)` bounds the index scan.
    for (const direction of ['desc', 'asc'] as const) {
      const n = direction === 'desc' ? 500 : 1200;
      const record = await storage.get(articles, `a${n}`);
      const after = [1_700_000_000_000 + n, record?.last_modified ?? 0, `a${n}`];
      const sort: Sort[] = [{ path: ['stored_on'], direction }];
      const plan = await expectListPlan(
        listQuery(sort, { after }, true),
        indexesOf('stored_on').order,
      );
      expect(plan).toMatch(/Index Cond: \(\(parent_id = 'u1'::text\) AND \(ROW\(/);
    }
  });

  it('a sort on a field without an index sorts the collection (the contrast)', async () => {
    const statement = await sent(
      () => storage.list(articles, listQuery([{ path: ['title'], direction: 'asc' }])),
      'select "r"."id"',
    );
    const plan = await planOf(statement);
    expect(plan).toMatch(/Sort/);
    expect(plan).not.toContain('pawl_field_');
  });
});
