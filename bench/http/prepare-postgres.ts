/**
 * Fills a PostgreSQL database in `@pawl/postgres`'s layout with the benchmark's articles, as
 * `prepare-pawl.ts` fills the SQLite file: the database (`pawl_bench`) is dropped and created
 * afresh, `migrate()` makes the schema, one transaction of multi-row inserts (`unnest` over
 * arrays of 5,000 rows) writes the records and the collection's timestamp (the schema's own
 * triggers keep whatever they keep, such as counts, as for any other write). A count and a
 * read through the storage check the result; `VACUUM (ANALYZE)` and a `CHECKPOINT` leave the
 * database as a settled one would be, so that neither autovacuum nor the checkpoint of the
 * load runs during a workload.
 *
 * The expression indexes are not made here: the reading list builds the ones it declares
 * when it starts, before its first statement; `settle()` waits for them once it answers.
 *
 * The server is reached at `BENCH_POSTGRES_URL` (default
 * `postgres://postgres@127.0.0.1:5432/test`), as a role that may create databases.
 *
 * @module
 */
import { createRequire } from 'node:module';
import { migrate, postgresStorage } from '@pawl/postgres';
import pg from 'pg';
import { articleAt, PAWL_USER_ID } from './articles.js';

const require = createRequire(import.meta.url);
const COLLECTION = { resource: 'articles', parentId: PAWL_USER_ID };
const ROWS_PER_INSERT = 5_000;
/** The database the benchmark owns: dropped and created for each collection size. */
export const BENCH_DATABASE = 'pawl_bench';
/** Where to reach PostgreSQL, as a role that may create databases. */
export const ADMIN_URL =
  process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** `pg`'s version. */
export function pgVersion(): string {
  return (require('pg/package.json') as { version: string }).version;
}

/** The URL of the benchmark's database, on the server of `ADMIN_URL`. */
export function benchUrl(): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${BENCH_DATABASE}`;
  return url.toString();
}

async function connected<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The server's version (`15.20`), or `undefined` when it does not answer. */
export async function postgresVersion(): Promise<string | undefined> {
  try {
    return await connected(ADMIN_URL, async (client) => {
      const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
      return rows[0]?.server_version.split(' ')[0];
    });
  } catch {
    return undefined;
  }
}

/** Drops the benchmark's database, ending the sessions still on it. */
export async function dropBenchDatabase(): Promise<void> {
  await connected(ADMIN_URL, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${BENCH_DATABASE} WITH (FORCE)`),
  );
}

/** The names of the indexes on `records`, sorted. */
export async function recordIndexes(url: string): Promise<string[]> {
  return connected(url, async (client) => {
    const { rows } = await client.query<{ indexname: string }>(
      "SELECT indexname FROM pg_indexes WHERE tablename = 'records' ORDER BY indexname",
    );
    return rows.map((row) => row.indexname);
  });
}

async function insertArticles(url: string, count: number, base: number): Promise<void> {
  await connected(url, async (client) => {
    await client.query('BEGIN');
    await client.query('SET LOCAL synchronous_commit = off');
    for (let from = 0; from < count; from += ROWS_PER_INSERT) {
      const ids: string[] = [];
      const stamps: number[] = [];
      const data: string[] = [];
      for (let n = from; n < Math.min(count, from + ROWS_PER_INSERT); n += 1) {
        const { id, last_modified, ...fields } = articleAt(n, base);
        ids.push(id);
        stamps.push(last_modified);
        data.push(JSON.stringify(fields));
      }
      await client.query(
        `INSERT INTO records (resource, parent_id, id, last_modified, deleted, data)
         SELECT $1, $2, id, last_modified, FALSE, data
         FROM unnest($3::text[], $4::bigint[], $5::jsonb[]) AS a(id, last_modified, data)`,
        [COLLECTION.resource, COLLECTION.parentId, ids, stamps, data],
      );
    }
    await client.query(
      'INSERT INTO timestamps (resource, parent_id, last_modified) VALUES ($1, $2, $3)',
      [COLLECTION.resource, COLLECTION.parentId, base + count - 1],
    );
    await client.query('COMMIT');
  });
}

/** Prepares `pawl_bench` with `count` articles; resolves to its URL. */
export async function preparePostgres(count: number, base: number): Promise<string> {
  const url = benchUrl();
  await dropBenchDatabase();
  await connected(ADMIN_URL, (client) => client.query(`CREATE DATABASE ${BENCH_DATABASE}`));
  await migrate({ connectionString: url });
  await insertArticles(url, count, base);

  const storage = postgresStorage({ connectionString: url });
  try {
    const stored = await storage.count(COLLECTION, { filters: [] });
    const last = articleAt(count - 1, base);
    const read = await storage.get(COLLECTION, last.id);
    if (stored !== count || read?.url !== last.url) {
      throw new Error(`the PostgreSQL database holds ${stored} articles, expected ${count}`);
    }
  } finally {
    await storage.close();
  }
  await connected(url, async (client) => {
    await client.query('VACUUM (ANALYZE) records');
    await client.query('VACUUM (ANALYZE) timestamps');
    await client.query('CHECKPOINT');
  });
  return url;
}

/**
 * Waits until no index is being built in the benchmark's database and every index on
 * `records` is valid (a server that builds indexes on start, concurrently or not, has then
 * finished), and analyzes `records` again when the server added indexes to the `before` set,
 * so that the planner has the statistics of their expressions. Resolves to the indexes.
 */
export async function settle(url: string, before: readonly string[]): Promise<string[]> {
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    const busy = await connected(url, async (client) => {
      const { rows } = await client.query<{ busy: string }>(
        `SELECT (SELECT count(*) FROM pg_stat_progress_create_index WHERE datname = current_database())
              + (SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
                 WHERE c.relname = 'records' AND NOT (i.indisvalid AND i.indisready)) AS busy`,
      );
      return Number(rows[0]?.busy ?? 0);
    });
    if (busy === 0) break;
    if (Date.now() > deadline)
      throw new Error('the indexes of pawl_bench were not ready in 30 min');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const after = await recordIndexes(url);
  if (after.some((name) => !before.includes(name))) {
    await connected(url, (client) => client.query('ANALYZE records'));
  }
  return after;
}
