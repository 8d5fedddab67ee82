/**
 * Expression indexes on JSON fields, declared per resource:
 * `sqliteStorage({ path, indexes: { articles: ['unread', 'stored_on'] } })`.
 *
 * Each field gets an index on `(resource, parent_id, <key>, <flag>, last_modified, id DESC)`
 * where `<key>` and `<flag>` are the very expressions that filters and sorts on that field
 * use (see `query/canonical-order.ts`), with the JSON path written as a literal, so that
 * SQLite recognises them. An equality filter on the field then reads the index in the default
 * order (newest first), and a sort on the field reads it in sort order.
 *
 * The indexes hold live records only (`WHERE deleted = 0`, as every list without tombstones
 * says): tombstones take no room in them, and counting the matches of a filter reads the index
 * alone, never the table (70 ms instead of 860 ms for 667k matches among a million records).
 * Lists with tombstones (`_since`) read the `last_modified` index instead.
 *
 * @module
 */

import { createHash } from 'node:crypto';
import type { Sql } from '../query/condition.js';
import { indexedSlot, pathKey } from '../query/fields.js';

const LIVE_ONLY = 'WHERE deleted = 0';

/** Field names (dotted for nested fields) to index, per resource name. */
export type IndexDeclarations = Readonly<Record<string, readonly string[]>>;

export interface ExpressionIndexPlan {
  /** `CREATE INDEX IF NOT EXISTS` statements, one per distinct field. */
  readonly statements: readonly string[];
  /** Per resource, the path keys (see `pathKey`) of its indexed fields. */
  readonly indexed: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * Plans the indexes of `declarations`; `render` turns a SQL fragment without parameters into
 * its text.
 *
 * @throws when a field is `id` or `last_modified` (already indexed columns) or has a part that
 * is not made of ASCII letters, digits, `_` and `-`.
 */
export function planExpressionIndexes(
  declarations: IndexDeclarations,
  render: (fragment: Sql) => string,
): ExpressionIndexPlan {
  const statements = new Set<string>();
  const indexed = new Map<string, Set<string>>();
  for (const [resource, fields] of Object.entries(declarations)) {
    const keys = new Set<string>();
    for (const field of fields) {
      if (field === 'id' || field === 'last_modified') {
        throw new Error(`Cannot index ${field}: it is a column with an index of its own`);
      }
      const path = field.split('.');
      const slot = indexedSlot(path);
      const columns = `resource, parent_id, ${render(slot.key)}, ${render(slot.flag)}, last_modified, id DESC`;
      const definition = `records (${columns}) ${LIVE_ONLY}`;
      const name = `pawl_field_${createHash('sha256').update(definition).digest('hex').slice(0, 16)}`;
      statements.add(`CREATE INDEX IF NOT EXISTS ${name} ON ${definition}`);
      keys.add(pathKey(path));
    }
    indexed.set(resource, keys);
  }
  return { statements: [...statements], indexed };
}

/**
 * The field indexes of earlier versions, which held tombstones too: each is superseded by a
 * live-only index on the same field (built when its field is still declared).
 */
export const SUPERSEDED_INDEXES = `SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'pawl\\_field\\_%' ESCAPE '\\' AND sql NOT LIKE '%${LIVE_ONLY}'`;
