/**
 * HTTP benchmark of Pawl against the bare stack (Hono + better-sqlite3, the ceiling) and a
 * peer framework (Feathers 5 on knex), all on SQLite files prepared before the run with the
 * same articles, and of Pawl on PostgreSQL (the same reading list, on a database prepared with
 * the same articles). For each collection size, the systems are started as child processes on
 * 127.0.0.1 and measured workload by workload with autocannon, back to back.
 *
 *   pnpm bench          quick: 10,000 articles, 1 s warm-up + 2 s per workload (< 3 minutes)
 *   pnpm bench --full   10,000 and 1,000,000 articles, 2 s warm-up + 8 s per workload, 2 rounds
 *
 * PostgreSQL is reached at `BENCH_POSTGRES_URL` (default
 * `postgres://postgres@127.0.0.1:5432/test`), where the run creates and drops `pawl_bench`;
 * without a server there, Pawl on PostgreSQL is left out (with a warning).
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
import {
  ADMIN_URL,
  dropBenchDatabase,
  postgresVersion,
  preparePostgres,
  recordIndexes,
  settle,
} from './prepare-postgres.js';
import {
  type Memory,
  postgresTable,
  type SizeResult,
  SYSTEMS,
  table,
  targets,
  type WorkloadResult,
} from './report.js';
import { type RunningServer, type SystemName, startServer } from './servers.js';
import { type Protocol, probe, type Workload, workloads } from './workloads.js';

const full = process.argv.includes('--full');
const mode = full ? 'full' : 'quick';
const sizes = full ? [10_000, 1_000_000] : [10_000];
const load: LoadOptions & { rounds: number } = full
  ? { connections: 10, warmSeconds: 2, seconds: 8, rounds: 2 }
  : { connections: 10, warmSeconds: 1, seconds: 2, rounds: 1 };
const DOC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'benchmarks.md');

const log = (line: string) => process.stderr.write(`${line}\n`);
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** The PostgreSQL server's version, or `undefined` when none answers: then it is left out. */
const postgres = await postgresVersion();
if (!postgres) {
  log(
    `warning: no PostgreSQL at ${ADMIN_URL} (BENCH_POSTGRES_URL): Pawl on PostgreSQL is left out`,
  );
}
const systems = SYSTEMS.filter((system) => system !== 'pawl-postgres' || postgres);

interface Prepared {
  /** The SQLite file of each system, the connection URL for `pawl-postgres`. */
  databases: { [name in SystemName]?: string };
  authorization: { [name in SystemName]: string };
  /** The indexes on `records` in PostgreSQL after the preparation. */
  postgresIndexes: string[];
}

async function prepare(directory: string, size: number, base: number): Promise<Prepared> {
  let started = performance.now();
  const databases: Prepared['databases'] = {
    bare: join(directory, 'bare.db'),
    pawl: join(directory, 'pawl.db'),
    feathers: join(directory, 'feathers.db'),
  };
  await preparePawl(join(directory, 'pawl.db'), size, base);
  copyFileSync(join(directory, 'pawl.db'), join(directory, 'bare.db'));
  const token = await prepareFeathers(join(directory, 'feathers.db'), size, base);
  log(`prepared ${size} articles per SQLite system in ${seconds(started)}`);
  let postgresIndexes: string[] = [];
  if (systems.includes('pawl-postgres')) {
    started = performance.now();
    const url = await preparePostgres(size, base);
    databases['pawl-postgres'] = url;
    postgresIndexes = await recordIndexes(url);
    log(`prepared ${size} articles on PostgreSQL in ${seconds(started)}`);
  }
  return {
    databases,
    authorization: {
      bare: BASIC_AUTH,
      pawl: BASIC_AUTH,
      feathers: `Bearer ${token}`,
      'pawl-postgres': BASIC_AUTH,
    },
    postgresIndexes,
  };
}

/**
 * Waits until the server answers a read of a record, which goes through its storage: a
 * storage that prepares itself on its first statement (migrations, indexes) has then done so.
 */
async function storageReady(server: RunningServer, check: Probe): Promise<void> {
  const response = await fetch(`${server.origin}${check.path}`, {
    headers: check.headers,
    signal: AbortSignal.timeout(30 * 60_000),
  });
  await response.arrayBuffer();
  if (!response.ok)
    throw new Error(`${server.name}: a read of one record answered ${response.status}`);
}

/** Starts every system on its database and builds its workloads. */
async function startAll(size: number, base: number, prepared: Prepared): Promise<Plan[]> {
  const started: RunningServer[] = [];
  const plans: Plan[] = [];
  try {
    for (const system of systems) {
      const database = prepared.databases[system];
      if (!database) throw new Error(`${system} has no prepared database`);
      const since = performance.now();
      const server = await startServer(system, database);
      started.push(server);
      const protocol: Protocol = system === 'feathers' ? 'feathers' : 'kinto';
      const authorization = prepared.authorization[system];
      await storageReady(server, probe({ protocol, authorization, size, base, deepPath: '' }));
      if (system === 'pawl-postgres') {
        const indexes = await settle(database, prepared.postgresIndexes);
        log(`pawl-postgres ready in ${seconds(since)}; indexes on records: ${indexes.join(', ')}`);
      }
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
 * Measures each workload on the systems back to back (in alternating order over the
 * rounds, keeping each system's best round), so that their ratios come from the same minutes.
 */
async function runSize(size: number): Promise<SizeResult> {
  const directory = mkdtempSync(join(tmpdir(), 'pawl-http-bench-'));
  try {
    const base = baseTime(size);
    const prepared = await prepare(directory, size, base);
    const starting = performance.now();
    const plans = await startAll(size, base, prepared);
    log(`started ${plans.length} servers in ${seconds(starting)}`);
    const rows: WorkloadResult[] = [];
    const memory: { [name in SystemName]?: Memory } = {};
    try {
      const count = plans[0]?.workloads.length ?? 0;
      for (let index = 0; index < count; index += 1) {
        const since = performance.now();
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
        log(`${progress(size, row)}  (${seconds(since)})`);
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
    if (
      fieldIndexes(join(directory, 'pawl.db')).join() !==
      fieldIndexes(join(directory, 'bare.db')).join()
    ) {
      log('warning: the reading list declares other indexes than bench/http/articles.ts mirrors');
    }
    return { size, workloads: rows, memory: memory as SizeResult['memory'] };
  } finally {
    rmSync(directory, { recursive: true, force: true });
    if (systems.includes('pawl-postgres')) await dropBenchDatabase();
  }
}

function progress(size: number, row: WorkloadResult): string {
  const cells = systems.map((system) => {
    const m = row.by[system];
    if (!m) return `${system} -`;
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
    ...describeMachine(postgres),
    '',
    ...results.flatMap((result) => [...table(result), '']),
    ...(postgres
      ? [
          'Pawl on PostgreSQL: the same reading list and workloads, measured in the same rounds as the systems above; the ratios are its throughput against Pawl on SQLite and against Feathers.',
          '',
          ...results.flatMap((result) => [...postgresTable(result), '']),
        ]
      : [`Pawl on PostgreSQL: not measured (no server at \`BENCH_POSTGRES_URL\`).`, '']),
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
