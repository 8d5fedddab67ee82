/**
 * The facts a result needs to be read: the machine, and the versions of Node, SQLite,
 * PostgreSQL and every package in the measured stacks.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { pgVersion } from './prepare-postgres.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const KYSELY = 'packages/sqlite/node_modules/kysely';
const PACKAGES: [string, string][] = [
  ['@pawl/core', 'packages/core'],
  ['@pawl/sqlite', 'packages/sqlite'],
  ['@pawl/postgres', 'packages/postgres'],
  ['hono', 'node_modules/hono'],
  ['@hono/node-server', 'node_modules/@hono/node-server'],
  ['better-sqlite3', 'node_modules/better-sqlite3'],
  ['kysely', KYSELY],
  ['@feathersjs/feathers', 'node_modules/@feathersjs/feathers'],
  ['@feathersjs/koa', 'node_modules/@feathersjs/koa'],
  ['@feathersjs/knex', 'node_modules/@feathersjs/knex'],
  ['knex', 'node_modules/knex'],
  ['autocannon', 'node_modules/autocannon'],
  ['tsx', 'node_modules/tsx'],
];

function version(directory: string): string {
  try {
    const manifest = JSON.parse(readFileSync(join(ROOT, directory, 'package.json'), 'utf8'));
    return String(manifest.version);
  } catch {
    return 'unknown';
  }
}

/** `postgres`: the PostgreSQL server's version, when Pawl on PostgreSQL was measured. */
export function describeMachine(postgres?: string): string[] {
  const db = new Database(':memory:');
  const sqlite = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  db.close();
  const packages = PACKAGES.map(([name, directory]) => `${name} ${version(directory)}`);
  if (postgres)
    packages.splice(packages.indexOf(`kysely ${version(KYSELY)}`) + 1, 0, `pg ${pgVersion()}`);
  return [
    `- machine: ${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory, shared with other work while it ran`,
    `- Node ${process.version}, SQLite ${sqlite}${postgres ? `, PostgreSQL ${postgres} on the same machine` : ''}`,
    `- packages: ${packages.join(', ')}`,
  ];
}
