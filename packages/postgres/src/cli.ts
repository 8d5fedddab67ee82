#!/usr/bin/env node
/**
 * `pawl-postgres`: commands for operators of a Pawl PostgreSQL database.
 *
 * ```text
 * pawl-postgres migrate [<connection string>] [--schema <name>]
 * pawl-postgres purge-tombstones [<connection string>] (--before <timestamp> | --keep <n>) [--resource <name> [--parent <id>]] [--schema <name>]
 * ```
 *
 * @module
 */

import { parseArgs } from 'node:util';
import { migrate } from './schema/migrations.js';
import { postgresStorage } from './storage/postgres-storage.js';

const USAGE = `Usage:
  pawl-postgres migrate [<connection string>] [--schema <name>]
      Applies pending schema migrations, in the schema <name> (default: public), which is
      created if needed. Safe to run while the app runs, and from several machines at once.
  pawl-postgres purge-tombstones [<connection string>] (--before <timestamp> | --keep <n>)
                [--resource <name> [--parent <id>]] [--schema <name>]
      Deletes tombstones (never live records) older than <timestamp> (epoch milliseconds)
      and/or beyond the <n> newest of each collection; only in one collection when
      --resource (and --parent, default '') is given.
  The connection string defaults to $DATABASE_URL.`;

class UsageError extends Error {}

function integer(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d{1,16}$/.test(raw)) throw new UsageError(`${name} must be a non-negative integer`);
  return Number(raw);
}

async function run(args: string[]): Promise<string> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      schema: { type: 'string' },
      before: { type: 'string' },
      keep: { type: 'string' },
      resource: { type: 'string' },
      parent: { type: 'string' },
    },
  });
  const [command, url = process.env.DATABASE_URL, ...rest] = positionals;
  if (!url || rest.length > 0) {
    throw new UsageError('Expected one connection string, or DATABASE_URL in the environment');
  }
  const connection = { connectionString: url, schema: values.schema };

  if (command === 'migrate') {
    const { from, to, applied } = await migrate(connection);
    return applied.length === 0
      ? `schema version ${to}: up to date`
      : `schema version ${from} -> ${to} (applied ${applied.join(', ')})`;
  }

  if (command === 'purge-tombstones') {
    const before = integer(values.before, '--before');
    const keepLast = integer(values.keep, '--keep');
    if (before === undefined && keepLast === undefined) {
      throw new UsageError('purge-tombstones needs --before or --keep');
    }
    if (values.parent !== undefined && values.resource === undefined) {
      throw new UsageError('--parent needs --resource');
    }
    const storage = postgresStorage(connection);
    try {
      const collection =
        values.resource === undefined
          ? undefined
          : { resource: values.resource, parentId: values.parent ?? '' };
      const purged = await storage.purgeTombstones(collection, { before, keepLast });
      return `purged ${purged} tombstone${purged === 1 ? '' : 's'}`;
    } finally {
      await storage.close();
    }
  }

  throw new UsageError(`Unknown command: ${command ?? '(none)'}`);
}

try {
  console.log(await run(process.argv.slice(2)));
} catch (error) {
  const usage =
    error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  console.error(`pawl-postgres: ${error instanceof Error ? error.message : String(error)}`);
  if (usage) console.error(USAGE);
  process.exitCode = usage ? 2 : 1;
}
