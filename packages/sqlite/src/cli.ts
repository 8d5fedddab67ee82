#!/usr/bin/env node
/**
 * `pawl-sqlite`: commands for operators of a Pawl SQLite database.
 *
 * ```text
 * pawl-sqlite migrate <file>
 * pawl-sqlite purge-tombstones <file> (--before <timestamp> | --keep <n>) [--resource <name> [--parent <id>]]
 * ```
 *
 * @module
 */

import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { migrate } from './schema/migrations.js';
import { sqliteStorage } from './sqlite-storage.js';

const USAGE = `Usage:
  pawl-sqlite migrate <file>
      Creates the database file if needed and applies pending schema migrations.
  pawl-sqlite purge-tombstones <file> (--before <timestamp> | --keep <n>) [--resource <name> [--parent <id>]]
      Deletes tombstones (never live records) older than <timestamp> (epoch milliseconds)
      and/or beyond the <n> newest of each collection; only in one collection when
      --resource (and --parent, default '') is given.`;

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
      before: { type: 'string' },
      keep: { type: 'string' },
      resource: { type: 'string' },
      parent: { type: 'string' },
    },
  });
  const [command, file, ...rest] = positionals;
  if (!file || rest.length > 0) throw new UsageError('Expected a command and one database file');

  if (command === 'migrate') {
    const { from, to, applied } = migrate(file);
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
    if (!existsSync(file)) throw new Error(`No database at ${file}`);
    const storage = sqliteStorage({ path: file });
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

  throw new UsageError(`Unknown command: ${command}`);
}

try {
  console.log(await run(process.argv.slice(2)));
} catch (error) {
  const usage =
    error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  console.error(`pawl-sqlite: ${error instanceof Error ? error.message : String(error)}`);
  if (usage) console.error(USAGE);
  process.exitCode = usage ? 2 : 1;
}
