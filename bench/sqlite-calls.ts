/**
 * Benchmarks the cheap calls of the SQLite backends, the ones every request makes (reading a
 * record, the collection timestamp of a `304` poll, an object's permissions, a cached value,
 * a write inside a transaction), against the same SQL run as a bare prepared better-sqlite3
 * statement on a second connection to the same file, measured in the same run. The ratio is
 * what the backend adds to the statement: promises, turn-taking on the shared connection,
 * building or compiling the query.
 *
 * Run: `npx tsx bench/sqlite-calls.ts`. Set `BENCH_CALLS=50000` for more calls per round.
 *
 * @module
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqlite } from '@pawl/sqlite';
import Database from 'better-sqlite3';
import { article } from './bench-article.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 20_000);
const ROUNDS = 7;
const RECORDS = 1000;
const articles = { resource: 'articles', parentId: 'alice' };

const objectId = (n: number) => `/buckets/b/collections/c/records/${article(n).id}`;

/** The median over `ROUNDS` rounds (after a warm-up) of the time per call, in microseconds. */
async function perCall(calls: number, round: (calls: number) => Promise<void> | void) {
  await round(Math.min(calls, 1000));
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    await round(calls);
    times.push(((performance.now() - start) * 1000) / calls);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

const directory = mkdtempSync(join(tmpdir(), 'pawl-bench-calls-'));
const path = join(directory, 'calls.db');
const backends = sqlite({ path });
const { storage, permission, cache } = backends;
// The bare connection: the pragmas `@pawl/sqlite` sets.
const bare = new Database(path);
bare.pragma('busy_timeout = 5000');
bare.pragma('journal_mode = WAL');
bare.pragma('synchronous = FULL');
bare.pragma('foreign_keys = ON');

try {
  await storage.transaction(async (session) => {
    for (let n = 0; n < RECORDS; n++) await session.put(articles, article(n));
  });
  for (let n = 0; n < RECORDS; n++) await permission.set(objectId(n), { write: ['alice'] });
  await cache.set('session', { user: 'alice' }, 3600);

  // The SQL of `@pawl/sqlite`, prepared once.
  const getRecord = bare.prepare<unknown[], { id: string; last_modified: number; data: string }>(
    'select "r"."id", "r"."last_modified", "r"."deleted", "r"."data" from "records" as "r" where "r"."resource" = ? and "r"."parent_id" = ? and "r"."id" = ? and r.deleted = 0',
  );
  const readTimestamp = bare.prepare<unknown[], { last_modified: number }>(
    'select "last_modified" from "timestamps" where "resource" = ? and "parent_id" = ?',
  );
  const writeTimestamp = bare.prepare(
    'insert into "timestamps" ("resource", "parent_id", "last_modified") values (?, ?, ?) on conflict ("resource", "parent_id") do update set "last_modified" = ?',
  );
  const upsert = bare.prepare(
    'insert into "records" ("resource", "parent_id", "id", "last_modified", "deleted", "data") values (?, ?, ?, ?, ?, ?) on conflict ("resource", "parent_id", "id") do update set "last_modified" = ?, "deleted" = ?, "data" = ?',
  );
  const ofObject = bare.prepare(
    'SELECT permission, principal FROM permissions WHERE object_id = ?',
  );
  const lookup = bare.prepare<unknown[], { value: string }>(
    'SELECT value FROM cache WHERE key = ? AND expires_at > ?',
  );
  const begin = bare.prepare('BEGIN IMMEDIATE');
  const commit = bare.prepare('COMMIT');

  const rows: Array<[string, number, number]> = [];
  const measure = async (
    name: string,
    pawl: (calls: number) => Promise<void>,
    baseline: (calls: number) => void,
  ) => {
    // Alternated, so that both see the same state of the machine.
    const ours = await perCall(CALLS, pawl);
    const theirs = await perCall(CALLS, baseline);
    rows.push([name, ours, theirs]);
  };

  await measure(
    'storage.get',
    async (calls) => {
      for (let i = 0; i < calls; i++) await storage.get(articles, article(i % RECORDS).id);
    },
    (calls) => {
      for (let i = 0; i < calls; i++) {
        const row = getRecord.get(articles.resource, articles.parentId, article(i % RECORDS).id);
        if (row) ({ id: row.id, ...JSON.parse(row.data), last_modified: row.last_modified });
      }
    },
  );
  await measure(
    'storage.timestamp',
    async (calls) => {
      for (let i = 0; i < calls; i++) await storage.timestamp(articles);
    },
    (calls) => {
      for (let i = 0; i < calls; i++) readTimestamp.get(articles.resource, articles.parentId);
    },
  );
  await measure(
    'permission.get (one object)',
    async (calls) => {
      for (let i = 0; i < calls; i++) await permission.get([objectId(i % RECORDS)]);
    },
    (calls) => {
      for (let i = 0; i < calls; i++) ofObject.all(objectId(i % RECORDS));
    },
  );
  await measure(
    'cache.get',
    async (calls) => {
      for (let i = 0; i < calls; i++) await cache.get('session');
    },
    (calls) => {
      for (let i = 0; i < calls; i++) {
        const row = lookup.get('session', Date.now());
        if (row) JSON.parse(row.value);
      }
    },
  );
  // Updates of existing records, all in one transaction per round.
  await measure(
    'put, inside a transaction',
    (calls) =>
      storage.transaction(async (session) => {
        for (let i = 0; i < calls; i++) await session.put(articles, article(i % RECORDS));
      }),
    (calls) => {
      const other = { resource: 'articles', parentId: 'bare' };
      begin.run();
      for (let i = 0; i < calls; i++) {
        const { id, ...fields } = article(i % RECORDS);
        const data = JSON.stringify(fields);
        const current =
          readTimestamp.get(other.resource, other.parentId)?.last_modified ?? -Infinity;
        const stamp = Math.max(Date.now(), current + 1);
        writeTimestamp.run(other.resource, other.parentId, stamp, stamp);
        upsert.run(other.resource, other.parentId, id, stamp, 0, data, stamp, 0, data);
        ({ id, ...JSON.parse(data), last_modified: stamp });
      }
      commit.run();
    },
  );

  console.log(`per call, median of ${ROUNDS} rounds of ${CALLS} calls (µs)`);
  console.log('| call | @pawl/sqlite | bare statement | ratio |');
  console.log('|---|---|---|---|');
  for (const [name, ours, theirs] of rows) {
    console.log(
      `| ${name} | ${ours.toFixed(2)} | ${theirs.toFixed(2)} | ${(ours / theirs).toFixed(1)}x |`,
    );
  }
} finally {
  bare.close();
  await Promise.all([storage.close(), permission.close(), cache.close()]);
  rmSync(directory, { recursive: true, force: true });
}
