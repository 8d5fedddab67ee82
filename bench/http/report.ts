/**
 * Markdown for the results: a table per collection size for the systems on SQLite (requests
 * per second, p50 and p99, Pawl's throughput against the bare stack and the peer, peak
 * memory), a second one for Pawl on PostgreSQL (against Pawl on SQLite and the peer), and the
 * targets, each with its measured value.
 *
 * @module
 */
import type { Measurement } from './load.js';
import type { SqliteSystem, SystemName } from './servers.js';

/** The systems on SQLite, in the order of the first table. */
export const SQLITE_SYSTEMS: readonly SqliteSystem[] = ['bare', 'pawl', 'feathers'];
/** Every system, in the order they are measured. */
export const SYSTEMS: readonly SystemName[] = [...SQLITE_SYSTEMS, 'pawl-postgres'];
const LABEL: { [name in SystemName]: string } = {
  bare: 'bare',
  pawl: 'Pawl',
  feathers: 'Feathers',
  'pawl-postgres': 'Pawl on PostgreSQL',
};

/** Per system; `pawl-postgres` only when PostgreSQL was there to measure. */
export type BySystem<T> = { [name in SqliteSystem]: T } & { 'pawl-postgres'?: T };

export interface WorkloadResult {
  name: string;
  kind: 'read' | 'write';
  expect: BySystem<number>;
  by: BySystem<Measurement>;
}

export interface Memory {
  start: number;
  sampled: number;
  hwm: number;
}

export interface SizeResult {
  size: number;
  workloads: WorkloadResult[];
  /** Resident set in bytes: once started, the peak sampled while measuring, and VmHWM. */
  memory: BySystem<Memory>;
}

const ms = (value: number) =>
  Number.isNaN(value) ? '–' : value < 10 ? value.toFixed(2) : value.toFixed(1);
const rate = (value: number) => (value < 100 ? value.toFixed(value < 1 ? 2 : 1) : value.toFixed(0));
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const ratio = (a: number, b: number) => {
  if (!(b > 0)) return 'n/a';
  const value = a / b;
  if (value === 0) return '0×';
  return `${value >= 0.1 ? value.toFixed(2) : value.toPrecision(2)}×`;
};

function find(result: SizeResult, name: string): WorkloadResult | undefined {
  return result.workloads.find((workload) => workload.name === name);
}

const answered = (m: Measurement) =>
  Object.values(m.statuses).reduce((sum, count) => sum + count, 0);

function cells(name: SystemName, workload: WorkloadResult, m: Measurement, notes: string[]) {
  if (m.pilotOnly) {
    notes.push(
      `‡ ${LABEL[name]}, ${workload.name}: one request took ${(m.p50 / 1000).toFixed(1)} s, so it was not put under load; the rate is that of one connection.`,
    );
  } else if (answered(m) === 0) {
    notes.push(
      `† ${LABEL[name]}, ${workload.name}: no answer arrived within the measured time (requests still in flight at its end are not counted).`,
    );
  } else if (m.unexpected > 0) {
    const seen = Object.entries(m.statuses).map(([status, count]) => `${status}: ${count}`);
    notes.push(
      `† ${LABEL[name]}, ${workload.name}: ${m.unexpected} answers were not ${workload.expect[name]} or failed (${seen.join(', ') || 'no answer'}).`,
    );
  }
  const mark = m.pilotOnly ? ' ‡' : m.unexpected > 0 || answered(m) === 0 ? ' †' : '';
  return `${rate(m.rps)}${mark} | ${ms(m.p50)} / ${ms(m.p99)}`;
}

const memoryCells = ({ start, sampled, hwm }: Memory) =>
  `${mb(sampled)} MB | ${mb(start)} MB / ${mb(hwm)} MB`;
const MEMORY_ROW = 'RSS: peak under load, then at start / VmHWM';

/** The systems on SQLite: bare, Pawl and Feathers, and Pawl's ratios to the other two. */
export function table(result: SizeResult): string[] {
  const head = SQLITE_SYSTEMS.map((name) => `${LABEL[name]} req/s | ${LABEL[name]} p50 / p99 ms`);
  const lines = [
    `| ${result.size.toLocaleString('en')} articles | ${head.join(' | ')} | Pawl / bare | Pawl / Feathers |`,
    `|---|${SQLITE_SYSTEMS.map(() => '---:|---:|').join('')}---:|---:|`,
  ];
  const notes: string[] = [];
  for (const workload of result.workloads) {
    const row = SQLITE_SYSTEMS.map((name) => cells(name, workload, workload.by[name], notes));
    const { bare, pawl, feathers } = workload.by;
    lines.push(
      `| ${workload.name} | ${row.join(' | ')} | ${ratio(pawl.rps, bare.rps)} | ${ratio(pawl.rps, feathers.rps)} |`,
    );
  }
  const memory = SQLITE_SYSTEMS.map((name) => memoryCells(result.memory[name]));
  lines.push(`| ${MEMORY_ROW} | ${memory.join(' | ')} | | |`);
  return [...lines, ...(notes.length > 0 ? ['', ...notes] : [])];
}

/**
 * Pawl on PostgreSQL, with its throughput against Pawl on SQLite and against Feathers (both in
 * the first table); empty when PostgreSQL was not measured.
 */
export function postgresTable(result: SizeResult): string[] {
  const name = 'pawl-postgres';
  const memory = result.memory[name];
  if (!memory || result.workloads.some((workload) => !workload.by[name])) return [];
  const label = LABEL[name];
  const lines = [
    `| ${result.size.toLocaleString('en')} articles | ${label} req/s | ${label} p50 / p99 ms | Pawl on SQLite p50 / p99 ms | PostgreSQL / SQLite | PostgreSQL / Feathers |`,
    '|---|---:|---:|---:|---:|---:|',
  ];
  const notes: string[] = [];
  for (const workload of result.workloads) {
    const m = workload.by[name];
    if (!m) continue;
    const { pawl, feathers } = workload.by;
    lines.push(
      `| ${workload.name} | ${cells(name, workload, m, notes)} | ${ms(pawl.p50)} / ${ms(pawl.p99)} | ${ratio(m.rps, pawl.rps)} | ${ratio(m.rps, feathers.rps)} |`,
    );
  }
  lines.push(
    `| ${MEMORY_ROW} | ${memoryCells(memory)} | ${mb(result.memory.pawl.hwm)} MB (VmHWM) | | |`,
  );
  return [...lines, ...(notes.length > 0 ? ['', ...notes] : [])];
}

const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');

export function targets(results: readonly SizeResult[]): string[] {
  const lines: string[] = [];
  for (const result of results) {
    const size = result.size.toLocaleString('en');
    for (const workload of result.workloads) {
      const { bare, pawl, feathers } = workload.by;
      const floor = workload.kind === 'read' ? 0.5 : 0.4;
      const share = pawl.rps / bare.rps;
      const peer = pawl.rps / feathers.rps;
      lines.push(
        `- ${size}, ${workload.name}: Pawl at ${(share * 100).toFixed(0)}% of bare (target ≥ ${floor * 100}%: ${verdict(share >= floor)}); ${ratio(pawl.rps, feathers.rps)} Feathers (target > 1: ${verdict(peer > 1)})`,
      );
    }
    const poll = find(result, 'unchanged poll')?.by.pawl;
    const page = find(result, 'list page (filtered, sorted)')?.by.pawl;
    if (poll && page) {
      lines.push(
        `- ${size}, 304 poll against a page read (Pawl): p50 ${ms(poll.p50)} ms vs ${ms(page.p50)} ms, ${rate(poll.rps)} vs ${rate(page.rps)} req/s (target: cheaper: ${verdict(poll.p50 < page.p50 && poll.rps > page.rps)})`,
      );
    }
  }
  const small = results[0];
  const large = results.at(-1);
  if (small && large && large !== small) {
    const names = [
      'list page (filtered, sorted)',
      'deep page (90%)',
      '_since poll (10 changes)',
      'unchanged poll',
    ];
    for (const name of names) {
      const a = find(small, name)?.by.pawl;
      const b = find(large, name)?.by.pawl;
      if (!a || !b) continue;
      const growth = b.p50 / a.p50;
      lines.push(
        `- Pawl ${name}, p50 at ${large.size.toLocaleString('en')} against ${small.size.toLocaleString('en')}: ${ms(b.p50)} ms vs ${ms(a.p50)} ms, ${growth.toFixed(2)}× (target ≤ 2×: ${verdict(growth <= 2)})`,
      );
    }
    const peak = large.memory.pawl.hwm;
    lines.push(
      `- Pawl peak RSS at ${large.size.toLocaleString('en')}: VmHWM ${mb(peak)} MB, ${mb(large.memory.pawl.sampled)} MB sampled under load (target < 250 MB: ${verdict(peak < 250 * 2 ** 20)})`,
    );
  }
  return lines;
}
