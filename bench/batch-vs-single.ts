/**
 * A batch of 25 creates against 25 single creates, on the SQLite backend through the whole
 * app (auth, validation, permissions): creates per second and storage commits for each.
 *
 *   npx tsx bench/batch-vs-single.ts [--rounds 40]
 *
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type StorageBackend } from '@pawl/core';
import { sqlite } from '@pawl/sqlite';
import { articles } from '../examples/reading-list/src/articles.js';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 40;
const BATCH = 25;
const auth = `Basic ${Buffer.from('bench:bench').toString('base64')}`;

function countingCommits(storage: StorageBackend): {
  storage: StorageBackend;
  commits: () => number;
} {
  let commits = 0;
  return {
    storage: {
      ...storage,
      transaction(work) {
        commits += 1;
        return storage.transaction(work);
      },
    },
    commits: () => commits,
  };
}

async function run(mode: 'single' | 'batch') {
  const dir = mkdtempSync(join(tmpdir(), 'pawl-bench-'));
  const backends = sqlite({ path: join(dir, 'bench.db') });
  const counted = countingCommits(backends.storage);
  const app = createApp({
    project: { name: 'bench', version: '1' },
    httpApiVersion: '1.0',
    resources: [articles],
    backends: { ...backends, storage: counted.storage },
    userIdHmacSecret: 'bench',
  });
  const article = (round: number, i: number) => ({
    data: { title: `Article ${round}-${i}`, url: `https://example.com/${mode}/${round}/${i}` },
  });
  const started = performance.now();
  for (let round = 0; round < rounds; round += 1) {
    if (mode === 'single') {
      for (let i = 0; i < BATCH; i += 1) {
        const response = await app.request('/v1/articles', {
          method: 'POST',
          headers: { Authorization: auth, 'Content-Type': 'application/json' },
          body: JSON.stringify(article(round, i)),
        });
        if (response.status !== 201) throw new Error(`create answered ${response.status}`);
      }
    } else {
      const requests = Array.from({ length: BATCH }, (_, i) => ({ body: article(round, i) }));
      const response = await app.request('/v1/batch', {
        method: 'POST',
        headers: { Authorization: auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ defaults: { method: 'POST', path: '/articles' }, requests }),
      });
      if (response.status !== 200) throw new Error(`batch answered ${response.status}`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  await backends.storage.close();
  rmSync(dir, { recursive: true, force: true });
  return { creates: rounds * BATCH, seconds, commits: counted.commits() };
}

const single = await run('single');
const batch = await run('batch');
const rate = (r: typeof single) => r.creates / r.seconds;
console.log(`| mode | creates | creates/s | storage commits | commits per 25 creates |`);
console.log(`|---|---|---|---|---|`);
for (const [name, r] of [
  ['25 single POSTs', single],
  ['1 batch of 25', batch],
] as const) {
  console.log(
    `| ${name} | ${r.creates} | ${rate(r).toFixed(0)} | ${r.commits} | ${((r.commits / r.creates) * BATCH).toFixed(1)} |`,
  );
}
console.log(`\nbatch / single throughput: ${(rate(batch) / rate(single)).toFixed(2)}x`);
