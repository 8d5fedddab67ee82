#!/usr/bin/env node
/**
 * `pawl-postgres`: commands for operators of a Pawl PostgreSQL database.
 *
 * ```text
 * pawl-postgres migrate [<connection string>] [--schema <name>]
 * ```
 *
 * @module
 */

import { parseArgs } from 'node:util';
import { migrate } from './schema/migrations.js';

const USAGE = `Usage:
  pawl-postgres migrate [<connection string>] [--schema <name>]
      Applies pending schema migrations to the database (default: $DATABASE_URL), in the
      schema <name> (default: public), which is created if needed. Safe to run while
      the app runs, and from several machines at once.`;

class UsageError extends Error {}

async function run(args: string[]): Promise<string> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { schema: { type: 'string' } },
  });
  const [command, url = process.env.DATABASE_URL, ...rest] = positionals;
  if (command !== 'migrate') throw new UsageError(`Unknown command: ${command ?? '(none)'}`);
  if (!url || rest.length > 0) {
    throw new UsageError('Expected one connection string, or DATABASE_URL in the environment');
  }
  const { from, to, applied } = await migrate({ connectionString: url, schema: values.schema });
  return applied.length === 0
    ? `schema version ${to}: up to date`
    : `schema version ${from} -> ${to} (applied ${applied.join(', ')})`;
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
