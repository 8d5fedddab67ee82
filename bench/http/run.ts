/**
 * HTTP benchmark of Pawl against the bare stack (Hono + better-sqlite3, the ceiling) and a
 * peer framework (Feathers 5 on knex), all on SQLite files prepared before the run with the
 * same articles. For each collection size, each system in turn is started as a child process
 * on 127.0.0.1, warmed, measured workload by workload with autocannon, and stopped.
 *
 *   pnpm bench          quick: 10,000 articles, 1 s warm-up + 3 s per workload (< 3 minutes)
 *   pnpm bench --full   10,000 and 1,000,000 articles, 3 s warm-up + 10 s per workload
 *
 * Prints the tables and writes them, with the machine, versions and command, to
 * docs/benchmarks.md (between the markers of the mode that ran).
 *
 * @module
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASIC_AUTH, baseTime } from './articles.js';
import { deepPath } from './fixtures.js';
import { type LoadOptions, measure } from './load.js';
import { describeMachine } from './machine.js';
import { prepareFeathers } from './prepare-feathers.js';
import { fieldIndexes, preparePawl } from './prepare-pawl.js';
import { type SizeResult, SYSTEMS, table, targets, type WorkloadResult } from './report.js';
import { type SystemName, startServer } from './servers.js';
import { type Protocol, workloads } from './workloads.js';

const full = process.argv.includes('--full');
const mode = full ? 'full' : 'quick';
const sizes = full ? [10_000, 1_000_000] : [10_000];
const load: LoadOptions = full
  ? { connections: 10, warmSeconds: 3, seconds: 10 }
  : { connections: 10, warmSeconds: 1, seconds: 3 };
const DOC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'benchmarks.md');

const log = (line: string) => process.stderr.write(`${line}\n`);

interface Prepared {
  files: { [name in SystemName]: string };
  authorization: { [name in SystemName]: string };
}

async function prepare(directory: string, size: number, base: number): Promise<Prepared> {
  const started = performance.now();
  const files = {
    bare: join(directory, 'bare.db'),
    pawl: join(directory, 'pawl.db'),
    feathers: join(directory, 'feathers.db'),
  };
  await preparePawl(files.pawl, size, base);
  copyFileSync(files.pawl, files.bare);
  const token = await prepareFeathers(files.feathers, size, base);
  log(
    `prepared ${size} articles per system in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return {
    files,
    authorization: { bare: BASIC_AUTH, pawl: BASIC_AUTH, feathers: `Bearer ${token}` },
  };
}

async function runSize(size: number): Promise<SizeResult> {
  const directory = mkdtempSync(join(tmpdir(), 'pawl-http-bench-'));
  try {
    const base = baseTime(size);
    const { files, authorization } = await prepare(directory, size, base);
    const rows = new Map<string, WorkloadResult>();
    const memory = {} as SizeResult['memory'];
    for (const system of SYSTEMS) {
      const protocol: Protocol = system === 'feathers' ? 'feathers' : 'kinto';
      const server = await startServer(system, files[system]);
      try {
        const deep = await deepPath(protocol, server.origin, authorization[system], size);
        const fixture = {
          protocol,
          authorization: authorization[system],
          size,
          base,
          deepPath: deep,
        };
        for (const workload of workloads(fixture)) {
          const m = await measure(server, workload.requests, workload.expect, load);
          log(
            `[${size}] ${system.padEnd(8)} ${workload.name.padEnd(30)} ${m.rps.toFixed(0).padStart(6)} req/s  p50 ${m.p50.toFixed(2)} ms  p99 ${m.p99.toFixed(2)} ms${m.unexpected ? `  (${m.unexpected} unexpected)` : ''}`,
          );
          const row = rows.get(workload.name) ?? {
            name: workload.name,
            kind: workload.kind,
            expect: {} as WorkloadResult['expect'],
            by: {} as WorkloadResult['by'],
          };
          row.expect[system] = workload.expect;
          row.by[system] = m;
          rows.set(workload.name, row);
        }
      } finally {
        const hwm = await server.stop();
        memory[system] = { sampled: server.sampledPeak, hwm };
      }
    }
    const declared = fieldIndexes(files.bare).join();
    if (fieldIndexes(files.pawl).join() !== declared) {
      log('warning: the reading list declares other indexes than bench/http/articles.ts mirrors');
    }
    return { size, workloads: [...rows.values()], memory };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

function section(results: SizeResult[]): string {
  const command =
    process.env.npm_lifecycle_event === 'bench'
      ? `pnpm bench${full ? ' --full' : ''}`
      : `npx tsx bench/http/run.ts${full ? ' --full' : ''}`;
  return [
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC with \`${command}\`: ${load.connections} connections, ${load.warmSeconds} s warm-up then ${load.seconds} s measured per workload and system.`,
    '',
    ...describeMachine(),
    '',
    ...results.flatMap((result) => [...table(result), '']),
    'Targets:',
    '',
    ...targets(results),
  ].join('\n');
}

function writeDoc(markdown: string): void {
  const start = `<!-- bench:${mode}:start -->`;
  const end = `<!-- bench:${mode}:end -->`;
  let doc = '';
  try {
    doc = readFileSync(DOC, 'utf8');
  } catch {
    doc = '# Benchmarks\n';
  }
  const block = `${start}\n${markdown}\n${end}`;
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  doc =
    from >= 0 && to > from
      ? `${doc.slice(0, from)}${block}${doc.slice(to + end.length)}`
      : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(DOC, doc);
}

const started = performance.now();
const results: SizeResult[] = [];
for (const size of sizes) results.push(await runSize(size));
const markdown = section(results);
console.log(markdown);
writeDoc(markdown);
log(
  `done in ${((performance.now() - started) / 1000).toFixed(0)} s; written to docs/benchmarks.md`,
);
