/**
 * Expression indexes on fields of `data`, declared per resource:
 * `postgresStorage({ ..., indexes: { articles: ['unread', 'stored_on'] } })`.
 *
 * Each field gets two indexes on the live records of its resource (partial: `WHERE resource =
 * 'articles' AND NOT deleted`), both led by `parent_id` and ending with `last_modified, id DESC`,
 * the default order (newest first) read backwards:
 * - on `data -> 'field'`, the expression of equality filters: `?unread=true` reads only the
 *   matches, in the default order, and so do their count and the uniqueness check of a
 *   `unique` field;
 * - on the field's three sort terms (see `query/canonical-order.ts`): a sort on the field reads
 *   the index in order.
 *
 * And each field gets statistics on `data -> 'field'` (`CREATE STATISTICS`, PostgreSQL 14 and
 * later), over the whole table: PostgreSQL estimates how many records a filter matches from
 * those, never from a partial index, and without them guesses 0.5%, which can make it prefer
 * reading another index in order over the equality index.
 *
 * Queries bind field paths as parameters. pg sends them as unnamed statements, which PostgreSQL
 * plans with their parameter values: its planner sees the expressions of the index, with the
 * path as a constant. Only the definitions write paths and resource names as SQL text, each
 * part restricted to `INDEXABLE_KEY`.
 *
 * @module
 */

import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { guard } from '../errors.js';
import { numberKey, rankSql, textKey } from '../query/canonical-order.js';
import type { Sql } from '../query/condition.js';
import { INDEXABLE_KEY, indexedField } from '../query/fields.js';
import { lockSchema } from './migrations.js';
import type { Tables } from './tables.js';

/** Field names (dotted for nested fields) to index, per resource name. */
export type IndexDeclarations = Readonly<Record<string, readonly string[]>>;

/** An index or statistics for declared fields. */
export interface FieldObject {
  readonly kind: 'index' | 'statistics';
  /** `pawl_field_` (an index) or `pawl_stats_` (statistics), then a hash of the definition. */
  readonly name: string;
  /**
   * What follows `CREATE INDEX <name> ON records` (the columns and the rows indexed) or
   * `CREATE STATISTICS <name> ON` (the expression).
   */
  readonly definition: string;
}

function named(kind: FieldObject['kind'], definition: string): FieldObject {
  const hash = createHash('sha256').update(definition).digest('hex').slice(0, 16);
  return { kind, name: `${kind === 'index' ? 'pawl_field' : 'pawl_stats'}_${hash}`, definition };
}

function refuse(resource: string, field: string, reason: string): never {
  throw new Error(`Cannot index ${JSON.stringify(field)} of ${resource}: ${reason}`);
}

/**
 * The indexes and statistics of `declarations`, for each field its statistics, then its
 * equality and order indexes; `render` turns a SQL fragment without parameters into its text.
 *
 * @throws when a field is `id` or `last_modified` (columns with an index of their own), or a
 * resource name or a part of a field name does not match `INDEXABLE_KEY`.
 */
export function planExpressionIndexes(
  declarations: IndexDeclarations,
  render: (fragment: Sql) => string,
): FieldObject[] {
  const objects = new Map<string, FieldObject>();
  const add = (object: FieldObject) => objects.set(object.name, object);
  for (const [resource, fields] of Object.entries(declarations)) {
    if (!INDEXABLE_KEY.test(resource)) {
      throw new Error(`Cannot index fields of ${resource}: its name must match ${INDEXABLE_KEY}`);
    }
    for (const name of fields) {
      if (name === 'id' || name === 'last_modified') {
        refuse(resource, name, 'it is a column with an index of its own');
      }
      const path = name.split('.');
      if (!path.every((key) => INDEXABLE_KEY.test(key))) {
        refuse(resource, name, `each part of an indexed field name must match ${INDEXABLE_KEY}`);
      }
      const { json } = indexedField(path);
      const rows = `resource = ${render(sql.lit(resource))} AND NOT deleted`;
      add(named('statistics', `(${render(json)})`));
      for (const keys of [[json], [rankSql(json), numberKey(json), textKey(json)]]) {
        const expressions = keys.map((key) => `(${render(key)})`).join(', ');
        add(named('index', `(parent_id, ${expressions}, last_modified, id DESC) WHERE ${rows}`));
      }
    }
  }
  return [...objects.values()];
}

/**
 * Creates the `objects` missing from `schema`, then, if it created statistics, gathers them
 * (`ANALYZE`, which reads a sample of the table). Creating an index locks `records` against
 * writes while it builds, even with `IF NOT EXISTS` when the index is there: so nothing is
 * locked when every object exists, and the missing ones are created under the lock of
 * migrations, which makes processes starting together take turns (two concurrent
 * `CREATE INDEX IF NOT EXISTS` of one name can both try to insert it in `pg_class`, and one
 * fails).
 */
export async function createExpressionIndexes(
  db: Kysely<Tables>,
  schema: string,
  objects: readonly FieldObject[],
): Promise<void> {
  if (objects.length === 0) return;
  const names = objects.map((object) => object.name);
  const missing = async (executor: Kysely<Tables>) => {
    const { rows } = await sql<{ name: string }>`
      SELECT relname AS name FROM pg_class JOIN pg_namespace ON pg_namespace.oid = relnamespace
        WHERE nspname = ${schema} AND relname = ANY(${names})
      UNION ALL
      SELECT stxname FROM pg_statistic_ext JOIN pg_namespace ON pg_namespace.oid = stxnamespace
        WHERE nspname = ${schema} AND stxname = ANY(${names})`.execute(executor);
    const present = new Set(rows.map((row) => row.name));
    return objects.filter((object) => !present.has(object.name));
  };
  if ((await guard(missing(db))).length === 0) return;
  const records = sql.id(schema, 'records');
  await guard(
    db.transaction().execute(async (trx) => {
      await lockSchema(trx, schema);
      const created = await missing(trx);
      for (const { kind, name, definition } of created) {
        await (kind === 'index'
          ? sql`CREATE INDEX IF NOT EXISTS ${sql.id(name)} ON ${records} ${sql.raw(definition)}`
          : sql`CREATE STATISTICS IF NOT EXISTS ${sql.id(schema, name)} ON ${sql.raw(definition)} FROM ${records}`
        ).execute(trx);
      }
      if (created.some((object) => object.kind === 'statistics')) {
        await sql`ANALYZE ${records}`.execute(trx);
      }
    }),
  );
}
