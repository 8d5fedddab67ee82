/**
 * Fields of a record (`records AS r`) in SQL: `id` and `last_modified` are columns, whose type
 * is known without asking PostgreSQL; every other field is read from `data` with its path bound
 * as a parameter (`r.data #> $1::text[]`), never written into the SQL text.
 *
 * @module
 */

import { sql } from 'kysely';
import { RANK } from './canonical-order.js';
import type { Sql } from './condition.js';

export interface Field {
  /** The value as `jsonb`; SQL `NULL` when the field is missing. */
  readonly json: Sql;
  /** For a column: the column itself and the rank (see `RANK`) of every value it holds. */
  readonly column?: { readonly sql: Sql; readonly rank: number };
}

const ID: Field = { json: sql`to_jsonb(r.id)`, column: { sql: sql`r.id`, rank: RANK.string } };

const LAST_MODIFIED: Field = {
  json: sql`to_jsonb(r.last_modified)`,
  column: { sql: sql`r.last_modified`, rank: RANK.number },
};

/** The field at `path` (the field name split on dots). */
export function field(path: readonly string[]): Field {
  if (path.length === 1 && path[0] === 'id') return ID;
  if (path.length === 1 && path[0] === 'last_modified') return LAST_MODIFIED;
  return { json: dataPath(path) };
}

/**
 * `data` at `path`. PostgreSQL's `#>` indexes into an array with a key that reads as an integer
 * (`tags.0`), where the contract finds no field: such keys are only followed when the value
 * before them is an object.
 */
function dataPath(path: readonly string[]): Sql {
  if (path.length === 1) return sql`r.data -> ${path[0]}::text`;
  const value = sql`r.data #> ${path}::text[]`;
  const guards = path.flatMap((key, i) =>
    i > 0 && /\d/.test(key)
      ? [sql`jsonb_typeof(r.data #> ${path.slice(0, i)}::text[]) = 'object'`]
      : [],
  );
  return guards.length === 0
    ? value
    : sql`CASE WHEN ${sql.join(guards, sql` AND `)} THEN ${value} END`;
}
