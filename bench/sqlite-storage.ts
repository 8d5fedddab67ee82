/**
 * Benchmarks the SQLite storage backend on a database file in a temporary directory:
 * - write throughput: one transaction per create against 25 creates per transaction;
 * - read latency at 10k and 1M records in one collection: the first page of the default
 *   sort, a page 90% deep through keyset pagination, a `_since` poll for the last changes,
 *   the same on indexed fields, and the counts of `Total-Records` (of a first page, without a
 *   filter, and of later pages, bounded by the snapshot); with the growth from the smallest size
 *   to the largest.
 *
 * Run: `npx tsx bench/sqlite-storage.ts` (the 1M collection takes a few minutes to fill).
 * Set `BENCH_SIZES=10000,100000` to choose other sizes.
 *
 * @module
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Filter, ListQuery, Sort } from '@pawl/core';
import { type SqliteStorage, sqliteStorage } from '@pawl/sqlite';
import { article } from './bench-article.js';

const PAGE = 25;
const BATCH = 25;
const SIZES = (process.env.BENCH_SIZES ?? '10000,1000000').split(',').map(Number);
const DEFAULT_SORT: Sort[] = [
  { path: ['last_modified'], direction: 'desc' },
  { path: ['id'], direction: 'asc' },
];

/** Runs `work` `runs` times after a warm-up and returns the median duration in milliseconds. */
async function median(runs: number, work: () => Promise<unknown>): Promise<number> {
  await work();
  const durations: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    durations.push(performance.now() - start);
  }
  durations.sort((a, b) => a - b);
  return durations[Math.floor(durations.length / 2)] ?? Number.NaN;
}

async function writeThroughput(storage: SqliteStorage): Promise<void> {
  const count = 2000;
  const single = { resource: 'articles', parentId: 'single' };
  let start = performance.now();
  for (let n = 0; n < count; n++) await storage.put(single, article(n));
  const perCreate = count / ((performance.now() - start) / 1000);

  const batched = { resource: 'articles', parentId: 'batched' };
  start = performance.now();
  for (let n = 0; n < count; n += BATCH) {
    await storage.transaction(async (session) => {
      for (let i = n; i < n + BATCH; i++) await session.put(batched, article(i));
    });
  }
  const perBatch = count / ((performance.now() - start) / 1000);
  console.log(`writes (${count} creates, synchronous=FULL)`);
  console.log(`  one transaction per create : ${perCreate.toFixed(0)} records/s`);
  console.log(`  ${BATCH} creates per transaction: ${perBatch.toFixed(0)} records/s`);
  console.log(`  ratio                      : ${(perBatch / perCreate).toFixed(1)}x`);
}

async function fill(storage: SqliteStorage, parentId: string, size: number): Promise<void> {
  const collection = { resource: 'articles', parentId };
  const started = performance.now();
  for (let n = 0; n < size; n += 1000) {
    await storage.transaction(async (session) => {
      for (let i = n; i < Math.min(n + 1000, size); i++) await session.put(collection, article(i));
    });
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `filled ${size} records in ${seconds.toFixed(1)} s (${(size / seconds).toFixed(0)}/s)`,
  );
}

/** Median latencies, in milliseconds, of the reads a client makes, by name. */
async function readLatency(storage: SqliteStorage, size: number): Promise<Map<string, number>> {
  const collection = { resource: 'articles', parentId: `read-${size}` };
  await fill(storage, collection.parentId, size);
  const snapshot = await storage.timestamp(collection);
  // Every list carries the snapshot bound that core adds to later pages, for stable pagination.
  const bound: Filter = { path: ['last_modified'], operator: 'max', value: snapshot };
  const list =
    (sort: Sort[], extra: Partial<ListQuery> = {}) =>
    () =>
      storage.list(collection, {
        sort: [...sort, ...DEFAULT_SORT],
        limit: PAGE + 1,
        ...extra,
        filters: [bound, ...(extra.filters ?? [])],
      });

  // Newest first, the record created at 10% of the fill sits 90% of the way down: its keyset
  // position is what a client paging that far holds.
  const deep = await storage.get(collection, article(Math.floor(size / 10)).id);
  if (!deep) throw new Error('the collection was not filled');
  const storedOn: Sort[] = [{ path: ['stored_on'], direction: 'desc' }];

  const runs = 50;
  const results = new Map<string, number>();
  results.set('first page', await median(runs, list([])));
  results.set(
    'page 90% deep (keyset)',
    await median(runs, list([], { after: [deep.last_modified, deep.id] })),
  );
  results.set(
    '_since poll (last 10 changes)',
    await median(
      runs,
      list([], {
        includeDeleted: true,
        filters: [{ path: ['last_modified'], operator: 'gt', value: snapshot - 10 }],
      }),
    ),
  );
  results.set(
    'first page, unread=true',
    await median(runs, list([], { filters: [{ path: ['unread'], operator: 'eq', value: true }] })),
  );
  results.set('first page, _sort=-stored_on', await median(runs, list(storedOn)));
  results.set(
    'page 90% deep, _sort=-stored_on',
    await median(
      runs,
      list(storedOn, { after: [deep.stored_on ?? null, deep.last_modified, deep.id] }),
    ),
  );
  // The first page's `Total-Records` counts the whole collection; later pages count it as of
  // the first page's timestamp.
  results.set(
    'count, first page (no filter)',
    await median(10, () => storage.count(collection, { filters: [], includeDeleted: false })),
  );
  results.set(
    'count, later pages (snapshot bound)',
    await median(10, () => storage.count(collection, { filters: [bound] })),
  );
  return results;
}

function report(bySize: ReadonlyMap<number, Map<string, number>>): void {
  const sizes = [...bySize.keys()];
  const first = sizes[0];
  const last = sizes.at(-1);
  const names = [...(bySize.get(first ?? 0)?.keys() ?? [])];
  const ratio = sizes.length > 1 ? ` | ${last} / ${first}` : '';
  console.log(`\nreads (median ms, pages of ${PAGE})`);
  console.log(`| read | ${sizes.join(' | ')}${ratio} |`);
  console.log(`|---|${sizes.map(() => '---|').join('')}${ratio ? '---|' : ''}`);
  for (const name of names) {
    const values = sizes.map((size) => bySize.get(size)?.get(name) ?? Number.NaN);
    const growth = ratio ? ` | ${((values.at(-1) ?? 0) / (values[0] ?? 1)).toFixed(2)}x` : '';
    console.log(`| ${name} | ${values.map((ms) => ms.toFixed(3)).join(' | ')}${growth} |`);
  }
  for (const size of sizes) {
    const results = bySize.get(size);
    const deep = (results?.get('page 90% deep (keyset)') ?? 0) / (results?.get('first page') ?? 1);
    console.log(`deep page / first page at ${size}: ${deep.toFixed(2)}x`);
  }
}

const directory = mkdtempSync(join(tmpdir(), 'pawl-bench-'));
const storage = sqliteStorage({
  path: join(directory, 'bench.db'),
  indexes: { articles: ['unread', 'favorite', 'stored_on'] },
});
try {
  await writeThroughput(storage);
  const bySize = new Map<number, Map<string, number>>();
  for (const size of SIZES) bySize.set(size, await readLatency(storage, size));
  report(bySize);
} finally {
  await storage.close();
  rmSync(directory, { recursive: true, force: true });
}
