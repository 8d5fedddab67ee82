/** Shared helpers of the `@pawl/postgres` tests: the server, a fresh schema per file, a SQL compiler. */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from 'kysely';
import { Client } from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { migrate } from '../src/index.js';

export const packageRoot = fileURLToPath(new URL('..', import.meta.url));

export const DATABASE_URL =
  process.env.PAWL_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Runs one statement on its own connection. */
export async function query(text: string, values: unknown[] = []): Promise<unknown[]> {
  const client = new Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2_000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return (await client.query(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function reachable(): Promise<boolean> {
  // A few tries: the restart test (server-restart.test.ts) may have it down for a moment.
  for (let attempt = 0; attempt < 5; attempt++) {
    if (
      await query('SELECT 1').then(
        () => true,
        () => false,
      )
    )
      return true;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return false;
}

const answered = await reachable();

/**
 * Whether to skip the PostgreSQL tests: only outside CI, when no server answers. In CI they
 * always run, and fail if the server is missing.
 */
export const skipPostgres = !process.env.CI && !answered;
if (skipPostgres) {
  console.warn(`PostgreSQL tests skipped: no server answers at ${DATABASE_URL}`);
}

/** The advisory lock key of the server itself (see `holdServer`). */
const SERVER_LOCK = 0x7061776c;

/**
 * Holds the server lock on a connection of its own, waiting for it as long as needed, and
 * reconnecting while the server is down for a restart: test files hold it shared, for their
 * whole run; the restart test holds it alone, so that it never stops the server under another
 * test file, in this run or in another one on the same server.
 */
export async function holdServer(mode: 'shared' | 'alone'): Promise<Client> {
  // Long enough for a restart; no wait at all for a server that was never there.
  const deadline = answered ? Date.now() + 30_000 : 0;
  for (;;) {
    const client = new Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2_000 });
    client.on('error', () => {});
    try {
      await client.connect();
      const lock = mode === 'shared' ? 'pg_advisory_lock_shared' : 'pg_advisory_lock';
      await client.query(`SELECT ${lock}($1)`, [SERVER_LOCK]);
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** Holds the server lock shared for the file's tests (see `holdServer`). */
export function shareServer(): void {
  let holder: Client | undefined;
  beforeAll(async () => {
    if (!skipPostgres) holder = await holdServer('shared');
  }, 150_000);
  afterAll(async () => {
    await holder?.end();
  });
}

/**
 * A schema no other test file uses, migrated before the file's tests and dropped after them;
 * the file shares the server meanwhile.
 */
export function testSchema(): string {
  const schema = `pawl_test_${randomBytes(6).toString('hex')}`;
  shareServer();
  beforeAll(async () => {
    if (!skipPostgres) await migrate({ connectionString: DATABASE_URL, schema });
  });
  afterAll(async () => {
    if (!skipPostgres) await query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });
  return schema;
}

/** Starts a TypeScript file of this package in its own Node process. */
export function startScript(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: packageRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs the `pawl-postgres` command to completion: its exit code and all it wrote. */
export async function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: unknown; output: string }> {
  const child = startScript('src/cli.ts', args, env);
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const [code] = await once(child, 'exit');
  return { code, output };
}

/** kysely with PostgreSQL's compiler and no connection: compiles SQL fragments to their text. */
export const compiler = new Kysely<unknown>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});
