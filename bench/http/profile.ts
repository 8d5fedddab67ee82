/**
 * Profiles the Pawl server under one workload: prepares the articles, starts the reading
 * list with `node --cpu-prof`, warms it and loads it with the workload, stops it, and prints
 * the hottest frames by self time, the self time per source file or package, and the total
 * time of the frames of Pawl's own code.
 *
 *   npx tsx bench/http/profile.ts --workload "GET one record" [--size 10000] [--seconds 10]
 *
 * @module
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASIC_AUTH, baseTime } from './articles.js';
import { deepPath } from './fixtures.js';
import { measure } from './load.js';
import { preparePawl } from './prepare-pawl.js';
import { startServer } from './servers.js';
import { probe, workloads } from './workloads.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

/** Where a frame's code lives: a package, or a file of this repository. */
function place(url: string): string {
  if (url === '') return '(native or V8)';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg) return pkg[1] ?? path;
  return path.startsWith(ROOT) ? relative(ROOT, path) : path;
}

const sources = new Map<string, string[]>();

/**
 * The line of a function in a TypeScript source: tsx's transpiled code does not keep the
 * lines, so the definition is looked up by name (the first line that defines or calls it).
 */
function sourceLine(url: string, name: string, transpiled: number): number {
  if (!url.startsWith('file://') || !url.endsWith('.ts') || !name) return transpiled;
  const path = fileURLToPath(url);
  let lines = sources.get(path);
  if (!lines) {
    lines = readFileSync(path, 'utf8').split('\n');
    sources.set(path, lines);
  }
  const escaped = name.replace(/[$]/g, '\\$');
  const definition = new RegExp(
    `(function\\*?\\s+${escaped}\\b|\\b${escaped}\\s*[(:=]|\\b${escaped}\\s*<)`,
  );
  const at = lines.findIndex((line) => definition.test(line));
  return at >= 0 ? at + 1 : transpiled;
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const line = sourceLine(url, functionName, lineNumber + 1);
  return `${functionName || '(anonymous)'}  ${place(url)}${url ? `:${line}` : ''}`;
}

function top(entries: Map<string, number>, total: number, count: number): string[] {
  return [...entries]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(
      ([name, ms]) =>
        `${((ms / total) * 100).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(6)} ms  ${name}`,
    );
}

function add(map: Map<string, number>, key: string, ms: number): void {
  map.set(key, (map.get(key) ?? 0) + ms);
}

/**
 * Self time by frame and by file or package, and total time (self and callees) of the frames
 * of this repository's code; idle time is left out of the shares.
 */
function report(profile: CpuProfile): void {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parents.set(child, node.id);
  const self = new Map<string, number>();
  const byPlace = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const node = nodes.get(id);
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    if (!node || node.callFrame.functionName === '(idle)') return;
    busy += ms;
    add(self, frameName(node), ms);
    add(byPlace, place(node.callFrame.url), ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      const frame = nodes.get(at);
      if (!frame || !/^(packages|examples)\//.test(place(frame.callFrame.url))) continue;
      const key = frameName(frame);
      if (!seen.has(key)) add(inclusive, key, ms);
      seen.add(key);
    }
  });
  console.log(`\nself time by frame, of ${busy.toFixed(0)} ms busy:`);
  for (const line of top(self, busy, 25)) console.log(line);
  console.log('\nself time by file or package:');
  for (const line of top(byPlace, busy, 15)) console.log(line);
  console.log('\ntotal time (self and callees) of Pawl frames:');
  for (const line of top(inclusive, busy, 25)) console.log(line);
}

const name = option('workload', 'GET one record');
const size = Number(option('size', '10000'));
const seconds = Number(option('seconds', '10'));
const directory = mkdtempSync(join(tmpdir(), 'pawl-profile-'));
try {
  const base = baseTime(size);
  const file = join(directory, 'pawl.db');
  await preparePawl(file, size, base);
  const profiles = join(directory, 'profiles');
  const server = await startServer('pawl', file, ['--cpu-prof', '--cpu-prof-dir', profiles]);
  try {
    // Walking to the deep page takes a while at a million records: only for that workload.
    const deep = name.startsWith('deep')
      ? await deepPath('kinto', server.origin, BASIC_AUTH, size)
      : '/v1/articles';
    const fixture = {
      protocol: 'kinto' as const,
      authorization: BASIC_AUTH,
      size,
      base,
      deepPath: deep,
    };
    const workload = workloads(fixture).find((candidate) => candidate.name === name);
    if (!workload) throw new Error(`no workload named ${JSON.stringify(name)}`);
    const load = { connections: 10, warmSeconds: 2, seconds };
    const m = await measure(server, workload.requests, workload.expect, load, probe(fixture));
    console.log(
      `${name} at ${size}: ${m.rps.toFixed(0)} req/s, p50 ${m.p50.toFixed(2)} ms, p99 ${m.p99.toFixed(2)} ms`,
    );
  } finally {
    await server.stop();
  }
  const [written] = readdirSync(profiles);
  if (!written) throw new Error('the server wrote no profile');
  report(JSON.parse(readFileSync(join(profiles, written), 'utf8')) as CpuProfile);
} finally {
  rmSync(directory, { recursive: true, force: true });
}
