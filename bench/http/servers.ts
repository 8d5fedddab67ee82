/**
 * The systems under test as child processes on 127.0.0.1: how each starts, waiting until it
 * answers, sampling its resident memory from `/proc/<pid>/status`, and stopping it.
 *
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SECRET } from './articles.js';

/** The systems on SQLite files. */
export type SqliteSystem = 'bare' | 'pawl' | 'feathers';
/** `pawl-postgres`: the reading list on PostgreSQL (`DATABASE_URL`). */
export type SystemName = SqliteSystem | 'pawl-postgres';

const HERE = dirname(fileURLToPath(import.meta.url));
const READING_LIST = join(HERE, '..', '..', 'examples', 'reading-list');

interface LaunchSpec {
  script: string;
  cwd: string;
  /** A path that answers (any status) once the server is up. */
  probe: string;
}

const LAUNCH: { [name in SystemName]: LaunchSpec } = {
  bare: { script: join(HERE, 'bare-server.ts'), cwd: HERE, probe: '/v1/' },
  // The reading list as users start it (`pnpm start`), from its own directory.
  pawl: { script: join(READING_LIST, 'src', 'server.ts'), cwd: READING_LIST, probe: '/v1/' },
  'pawl-postgres': {
    script: join(READING_LIST, 'src', 'server.ts'),
    cwd: READING_LIST,
    probe: '/v1/',
  },
  feathers: { script: join(HERE, 'feathers-server.ts'), cwd: HERE, probe: '/articles' },
};

export interface RunningServer {
  readonly name: SystemName;
  readonly origin: string;
  readonly pid: number;
  /** The resident set once the server answers, before any workload, in bytes. */
  readonly startRss: number;
  /** The largest resident set seen by `sampleRss` calls, in bytes. */
  sampledPeak: number;
  /** Reads VmRSS now and keeps the largest value. */
  sampleRss(): void;
  /** Stops the server; resolves to its VmHWM (peak resident set over its life) in bytes. */
  stop(): Promise<number>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** A field of `/proc/<pid>/status` in bytes, 0 when the process is gone. */
function statusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

async function waitUntilAnswering(url: string, child: ChildProcess, log: () => string) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited early:\n${log()}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`no answer from ${url} within 120 s:\n${log()}`);
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Starts `name` on `database`: the SQLite file, or for `pawl-postgres` the connection URL
 * (`DATABASE_URL`). `nodeFlags` go before the script (e.g. `--cpu-prof`). Request logs are off
 * (`LOG_LEVEL=warn`): no system under test writes one. `DATABASE_URL` and `CACHE_URL` are
 * not inherited: the SQLite systems stay on their files, and both Pawl servers keep their
 * database's own cache (no Redis).
 */
export async function startServer(
  name: SystemName,
  database: string,
  nodeFlags: readonly string[] = [],
): Promise<RunningServer> {
  const spec = LAUNCH[name];
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', spec.script], {
    cwd: spec.cwd,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE: name === 'pawl-postgres' ? undefined : database,
      DATABASE_URL: name === 'pawl-postgres' ? database : undefined,
      CACHE_URL: undefined,
      USERID_HMAC_SECRET: SECRET,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const origin = `http://127.0.0.1:${port}`;
  const pid = child.pid ?? 0;
  await waitUntilAnswering(`${origin}${spec.probe}`, child, () => output);
  const server: RunningServer = {
    name,
    origin,
    pid,
    startRss: statusBytes(pid, 'VmRSS'),
    sampledPeak: 0,
    sampleRss() {
      server.sampledPeak = Math.max(server.sampledPeak, statusBytes(pid, 'VmRSS'));
    },
    async stop() {
      const peak = statusBytes(pid, 'VmHWM');
      child.kill('SIGTERM');
      if (!(await exited(child, 15_000))) {
        child.kill('SIGKILL');
        await exited(child, 5_000);
      }
      return peak;
    },
  };
  return server;
}
