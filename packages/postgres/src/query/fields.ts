/**
 * Fields of a record (`records AS r`) in SQL: `id` and `last_modified` are columns, whose type
 * is known without asking PostgreSQL; every other field is read from `data` with its path bound
 * as a parameter (`r.data #> $1::text[]`), never written into the SQL text.
 *
 * The one exception is the definition of an expression index (see
 * `schema/expression-indexes.ts`), which takes no parameters: there the same expressions are
 * written on `data` with the path as a literal, for field names restricted to `INDEXABLE_KEY`.
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

/** How a path inside `data` is written: the column, a key (`text`) and a path (`text[]`). */
interface PathForm {
  readonly data: Sql;
  key(key: string): Sql;
  path(keys: readonly string[]): Sql;
}

const BOUND: PathForm = {
  data: sql`r.data`,
  key: (key) => sql`${key}::text`,
  path: (keys) => sql`${keys}::text[]`,
};

/** The only keys written into SQL text: those of indexed fields. */
export const INDEXABLE_KEY = /^[A-Za-z0-9_-]+$/;

function literalKey(key: string): string {
  if (!INDEXABLE_KEY.test(key)) {
    throw new Error(`Cannot write ${JSON.stringify(key)} in SQL: it must match ${INDEXABLE_KEY}`);
  }
  return key;
}

/**
 * Literals equal to what the bound parameters become: the driver sends an array as
 * `{"a","b"}`, quoted so that a key such as `NULL` stays a string.
 */
const LITERAL: PathForm = {
  data: sql`data`,
  key: (key) => sql`${sql.lit(literalKey(key))}::text`,
  path: (keys) =>
    sql`${sql.lit(`{${keys.map((key) => `"${literalKey(key)}"`).join(',')}}`)}::text[]`,
};

/** The field at `path` (the field name split on dots). */
export function field(path: readonly string[]): Field {
  if (path.length === 1 && path[0] === 'id') return ID;
  if (path.length === 1 && path[0] === 'last_modified') return LAST_MODIFIED;
  return { json: dataPath(path, BOUND) };
}

/**
 * The field of `data` at `path` as an expression index defines it: on the `records` table
 * itself, its path a literal.
 *
 * @throws when a key of `path` does not match `INDEXABLE_KEY`.
 */
export function indexedField(path: readonly string[]): Field {
  return { json: dataPath(path, LITERAL) };
}

/**
 * `data` at `path`. PostgreSQL's `#>` indexes into an array with a key that reads as an integer
 * (`tags.0`), where the contract finds no field: such keys are only followed when the value
 * before them is an object.
 */
function dataPath(path: readonly string[], form: PathForm): Sql {
  const [first] = path;
  if (path.length === 1 && first !== undefined) return sql`${form.data} -> ${form.key(first)}`;
  const value = sql`${form.data} #> ${form.path(path)}`;
  const guards = path.flatMap((key, i) =>
    i > 0 && /\d/.test(key)
      ? [sql`jsonb_typeof(${form.data} #> ${form.path(path.slice(0, i))}) = 'object'`]
      : [],
  );
  return guards.length === 0
    ? value
    : sql`CASE WHEN ${sql.join(guards, sql` AND `)} THEN ${value} END`;
}
