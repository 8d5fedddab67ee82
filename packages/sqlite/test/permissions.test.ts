import { join } from 'node:path';
import { memoryPermission, type PermissionBackend, type Permissions } from '@pawl/core';
import { type QueryLog, sqlitePermission } from '@pawl/sqlite';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { temporaryDirectory } from './helpers.js';

const directory = temporaryDirectory();

/** Principal lists in a stable order: backends may return them in any order. */
function normalized(found: Map<string, Permissions>): Array<[string, Permissions]> {
  return [...found].map(([id, permissions]) => [
    id,
    Object.fromEntries(
      Object.entries(permissions)
        .map(([name, principals]): [string, string[]] => [name, [...principals].sort()])
        .sort(([a], [b]) => (a < b ? -1 : 1)),
    ),
  ]);
}

/**
 * Paths made of characters that matter to ranges and patterns: `/` and `0` (the bounds of
 * "below"), `.`, `%` and `_`, NUL, multi-byte characters, and empty segments (`//`, a
 * trailing `/`).
 */
const segment = fc
  .array(fc.constantFrom('a', 'b', '0', '.', '%', '_', 'é', '😀', '\u0000', "'"), {
    maxLength: 2,
  })
  .map((chars) => chars.join(''));
const path = fc
  .array(segment, { minLength: 1, maxLength: 3 })
  .map((parts) => `/${parts.join('/')}`);
const PRINCIPALS = ['alice', 'bob', '%', 'system.Everyone'];
const NAMES = ['read', 'write', 'articles:create'];
const grants = fc.dictionary(
  fc.constantFrom(...NAMES),
  fc.array(fc.constantFrom(...PRINCIPALS), { maxLength: 3 }),
);
const operation = fc.oneof(
  { weight: 4, arbitrary: fc.record({ set: path, permissions: grants }) },
  { weight: 1, arbitrary: fc.record({ delete: fc.array(path, { minLength: 1, maxLength: 2 }) }) },
);

describe('the SQLite permission backend', () => {
  const sqlite = sqlitePermission({ path: join(directory, 'reference.db') });
  afterAll(() => sqlite.close());
  let run = 0;

  it('agrees with the in-memory reference on random paths, grants and deletions', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(operation, { minLength: 1, maxLength: 12 }),
        fc.array(path, { maxLength: 4 }),
        fc.subarray(PRINCIPALS),
        fc.subarray(NAMES),
        async (operations, probes, principals, names) => {
          // Each run under a root of its own, in one file.
          const root = `/run${run++}`;
          const memory = memoryPermission();
          const touched = new Set<string>();
          for (const op of operations) {
            for (const backend of [sqlite, memory] as PermissionBackend[]) {
              if ('set' in op) await backend.set(root + op.set, op.permissions);
              else await backend.delete(op.delete.map((id) => root + id));
            }
            if ('set' in op) touched.add(root + op.set);
          }
          const ids = [...touched, ...probes.map((probe) => root + probe)];
          expect(normalized(await sqlite.get(ids))).toEqual(normalized(await memory.get(ids)));
          const parents = [root, ...ids, ...ids.map((id) => id.slice(0, id.lastIndexOf('/')))];
          for (const parent of parents) {
            expect(await sqlite.accessible(parent, principals, names), parent).toEqual(
              await memory.accessible(parent, principals, names),
            );
          }
        },
      ),
      { numRuns: 200 },
    );
  }, 60_000);

  it('reads indexes: the primary key by object id or range, and one index for accessible', async () => {
    const file = join(directory, 'plans.db');
    const statements: QueryLog[] = [];
    const backend = sqlitePermission({ path: file, log: (query) => statements.push(query) });
    await backend.set('/a/b', { read: ['x'] });
    statements.length = 0;
    await backend.get(['/a/b']);
    await backend.accessible('/a', ['x'], ['read']);
    await backend.delete(['/a']);
    await backend.close();
    const reader = new Database(file, { readonly: true });
    const plans = statements
      .filter((statement) => !/^(BEGIN|COMMIT)/.test(statement.sql))
      .map((statement) => {
        const rows = reader
          .prepare(`EXPLAIN QUERY PLAN ${statement.sql}`)
          .all(...statement.parameters) as Array<{ detail: string }>;
        return rows.map((row) => row.detail).join(' | ');
      });
    reader.close();
    expect(plans).toEqual([
      'SEARCH permissions USING PRIMARY KEY (object_id=?)',
      'SEARCH permissions USING COVERING INDEX permissions_accessible (principal=? AND permission=? AND object_id>? AND object_id<?)',
      'SEARCH permissions USING PRIMARY KEY (object_id=?)',
      'SEARCH permissions USING PRIMARY KEY (object_id>? AND object_id<?)',
    ]);
    // Ids and principals are parameters, never SQL text.
    expect(statements.every((statement) => !statement.sql.includes('/a'))).toBe(true);
  });

  it('keeps permissions in the file, for the next process that opens it', async () => {
    const file = join(directory, 'kept.db');
    const first = sqlitePermission({ path: file });
    await first.set('/articles/a', { read: ['bob'], write: ['alice'] });
    await first.close();
    const second = sqlitePermission({ path: file });
    expect(normalized(await second.get(['/articles/a']))).toEqual([
      ['/articles/a', { read: ['bob'], write: ['alice'] }],
    ]);
    expect(await second.accessible('/articles', ['bob'], ['read'])).toEqual(['/articles/a']);
    await second.close();
  });
});
