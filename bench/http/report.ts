/**
 * Markdown for the results: a table per collection size (requests per second, p50 and p99,
 * Pawl's throughput against the bare stack and the peer, peak memory) and the targets, each
 * with its measured value.
 *
 * @module
 */
import type { Measurement } from './load.js';
import type { SystemName } from './servers.js';

export const SYSTEMS: readonly SystemName[] = ['bare', 'pawl', 'feathers'];
const LABEL: { [name in SystemName]: string } = {
  bare: 'bare',
  pawl: 'Pawl',
  feathers: 'Feathers',
};

export interface WorkloadResult {
  name: string;
  kind: 'read' | 'write';
  expect: { [name in SystemName]: number };
  by: { [name in SystemName]: Measurement };
}

export interface SizeResult {
  size: number;
  workloads: WorkloadResult[];
  /** Resident set in bytes: once started, the peak sampled while measuring, and VmHWM. */
  memory: { [name in SystemName]: { start: number; sampled: number; hwm: number } };
}

const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));
const rate = (value: number) => (value < 100 ? value.toFixed(value < 1 ? 2 : 1) : value.toFixed(0));
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const ratio = (a: number, b: number) => {
  if (!(b > 0)) return 'n/a';
  const value = a / b;
  return `${value >= 0.1 ? value.toFixed(2) : value.toPrecision(2)}×`;
};

function find(result: SizeResult, name: string): WorkloadResult | undefined {
  return result.workloads.find((workload) => workload.name === name);
}

export function table(result: SizeResult): string[] {
  const head = SYSTEMS.map((name) => `${LABEL[name]} req/s | ${LABEL[name]} p50 / p99 ms`);
  const lines = [
    `| ${result.size.toLocaleString('en')} articles | ${head.join(' | ')} | Pawl / bare | Pawl / Feathers |`,
    `|---|${SYSTEMS.map(() => '---:|---:|').join('')}---:|---:|`,
  ];
  const notes: string[] = [];
  for (const workload of result.workloads) {
    const cells = SYSTEMS.map((name) => {
      const m = workload.by[name];
      if (m.pilotOnly) {
        notes.push(
          `‡ ${LABEL[name]}, ${workload.name}: one request took ${(m.p50 / 1000).toFixed(1)} s, so it was not put under load; the rate is that of one connection.`,
        );
      } else if (m.unexpected > 0) {
        const seen = Object.entries(m.statuses).map(([status, count]) => `${status}: ${count}`);
        notes.push(
          `† ${LABEL[name]}, ${workload.name}: ${m.unexpected} answers were not ${workload.expect[name]} or failed (${seen.join(', ') || 'no answer'}).`,
        );
      }
      const mark = m.pilotOnly ? ' ‡' : m.unexpected > 0 ? ' †' : '';
      return `${rate(m.rps)}${mark} | ${ms(m.p50)} / ${ms(m.p99)}`;
    });
    const { bare, pawl, feathers } = workload.by;
    lines.push(
      `| ${workload.name} | ${cells.join(' | ')} | ${ratio(pawl.rps, bare.rps)} | ${ratio(pawl.rps, feathers.rps)} |`,
    );
  }
  const memory = SYSTEMS.map((name) => {
    const { start, sampled, hwm } = result.memory[name];
    return `${mb(sampled)} MB | ${mb(start)} MB / ${mb(hwm)} MB`;
  });
  lines.push(`| RSS: peak under load, then at start / VmHWM | ${memory.join(' | ')} | | |`);
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
