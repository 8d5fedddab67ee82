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
import { type LoadOptions, measure, type Probe } from './load.js';
import { describeMachine } from './machine.js';
import { prepareFeathers } from './prepare-feathers.js';
import { fieldIndexes, preparePawl } from './prepare-pawl.js';
import { type SizeResult, SYSTEMS, table, targets, type WorkloadResult } from './report.js';
import { type RunningServer, type SystemName, startServer } from './servers.js';
import { type Protocol, probe, type Workload, workloads } from './workloads.js';

const full = process.argv.includes('--full');
const mode = full ? 'full' : 'quick';
const sizes = full ? [10_000, 1_000_000] : [10_000];
const load: LoadOptions & { rounds: number } = full
  ? { connections: 10, warmSeconds: 2, seconds: 8, rounds: 2 }
  : { connections: 10, warmSeconds: 1, seconds: 3, rounds: 1 };
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

/** Starts every system on its file and builds its workloads. */
async function startAll(size: number, base: number, prepared: Prepared): Promise<Plan[]> {
  const started: RunningServer[] = [];
  const plans: Plan[] = [];
  try {
    for (const system of SYSTEMS) {
      const server = await startServer(system, prepared.files[system]);
      started.push(server);
      const protocol: Protocol = system === 'feathers' ? 'feathers' : 'kinto';
      const authorization = prepared.authorization[system];
      const deep = await deepPath(protocol, server.origin, authorization, size);
      const fixture = { protocol, authorization, size, base, deepPath: deep };
      plans.push({ system, server, workloads: workloads(fixture), probe: probe(fixture) });
    }
    return plans;
  } catch (error) {
    for (const server of started) await server.stop();
    throw error;
  }
}

interface Plan {
  system: SystemName;
  server: RunningServer;
  workloads: Workload[];
  probe: Probe;
}

/**
 * Measures each workload on the three systems back to back (in alternating order over the
 * rounds, keeping each system's best round), so that their ratios come from the same minutes.
 */
async function runSize(size: number): Promise<SizeResult> {
  const directory = mkdtempSync(join(tmpdir(), 'pawl-http-bench-'));
  try {
    const base = baseTime(size);
    const prepared = await prepare(directory, size, base);
    const plans = await startAll(size, base, prepared);
    const rows: WorkloadResult[] = [];
    const memory = {} as SizeResult['memory'];
    try {
      const count = plans[0]?.workloads.length ?? 0;
      for (let index = 0; index < count; index += 1) {
        const row = { expect: {}, by: {} } as WorkloadResult;
        for (let round = 0; round < load.rounds; round += 1) {
          for (const plan of round % 2 === 0 ? plans : [...plans].reverse()) {
            const workload = plan.workloads[index];
            if (!workload) continue;
            const m = await measure(
              plan.server,
              workload.requests,
              workload.expect,
              load,
              plan.probe,
            );
            Object.assign(row, { name: workload.name, kind: workload.kind });
            row.expect[plan.system] = workload.expect;
            const best = row.by[plan.system];
            if (!best || m.rps > best.rps) row.by[plan.system] = m;
          }
        }
        rows.push(row);
        log(progress(size, row));
      }
    } finally {
      for (const plan of plans) {
        const hwm = await plan.server.stop();
        memory[plan.system] = {
          start: plan.server.startRss,
          sampled: plan.server.sampledPeak,
          hwm,
        };
      }
    }
    if (fieldIndexes(prepared.files.pawl).join() !== fieldIndexes(prepared.files.bare).join()) {
      log('warning: the reading list declares other indexes than bench/http/articles.ts mirrors');
    }
    return { size, workloads: rows, memory };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

function progress(size: number, row: WorkloadResult): string {
  const cells = SYSTEMS.map((system) => {
    const m = row.by[system];
    const odd = m.unexpected > 0 ? ` (${m.unexpected} unexpected)` : '';
    return `${system} ${m.rps.toFixed(0)}/s p50 ${m.p50.toFixed(2)} ms${odd}`;
  });
  return `[${size}] ${row.name.padEnd(28)} ${cells.join('  ')}`;
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
