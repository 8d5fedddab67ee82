/**
 * The canonical order of JSON values (see `Sort` in `@pawl/core`) in SQL: a rank from
 * `jsonb_typeof`, then, within a rank, the value itself: numbers as `numeric`, strings with
 * `COLLATE "C"` (byte order of UTF-8, i.e. code points), arrays and objects by their `jsonb`
 * text. Literals are ranked in JavaScript, so a comparison with one is a rank comparison plus,
 * at most, one comparison of values.
 *
 * @module
 */

import type { JsonValue } from '@pawl/core';
import { type SqlBool, sql } from 'kysely';
import { and, type Condition, or, type Sql } from './condition.js';
import type { Field } from './fields.js';

export const RANK = {
  missing: 0,
  true: 1,
  false: 2,
  number: 3,
  string: 4,
  array: 5,
  object: 6,
} as const;

export type Comparison = '=' | '<' | '>' | '<=' | '>=';

export function rankOf(value: JsonValue | undefined): number {
  if (value === undefined || value === null) return RANK.missing;
  if (typeof value === 'boolean') return value ? RANK.true : RANK.false;
  if (typeof value === 'number') return RANK.number;
  if (typeof value === 'string') return RANK.string;
  return Array.isArray(value) ? RANK.array : RANK.object;
}

/** The rank of a `jsonb` value; 0 for SQL `NULL` (missing) and JSON `null`. */
export function rankSql(json: Sql): Sql {
  return sql`(CASE jsonb_typeof(${json}) WHEN 'boolean' THEN CASE WHEN ${json} = 'true'::jsonb THEN 1 ELSE 2 END WHEN 'number' THEN 3 WHEN 'string' THEN 4 WHEN 'array' THEN 5 WHEN 'object' THEN 6 ELSE 0 END)`;
}

/** The value of a number, `NULL` for any other type. */
export function numberKey(json: Sql): Sql {
  return sql`(CASE WHEN jsonb_typeof(${json}) = 'number' THEN (${json})::numeric END)`;
}

/** The text of a string, the `jsonb` text of an array or object, `NULL` for any other type. */
export function textKey(json: Sql): Sql {
  return sql`(CASE jsonb_typeof(${json}) WHEN 'string' THEN ${json} #>> '{}' WHEN 'array' THEN (${json})::text WHEN 'object' THEN (${json})::text END) COLLATE "C"`;
}

function compareNumbers(a: number, operator: Comparison, b: number): boolean {
  switch (operator) {
    case '=':
      return a === b;
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '<=':
      return a <= b;
    case '>=':
      return a >= b;
  }
}

/** A literal as a parameter of the column's type: `bigint` for integers, else `numeric`. */
function columnLiteral(value: number | string): Sql {
  if (typeof value === 'string') return sql`${value}`;
  return Number.isSafeInteger(value) ? sql`${value}::bigint` : sql`${value}::numeric`;
}

/** Compares two values of the same rank, `json` being a field and `value` a literal. */
function compareWithinRank(
  json: Sql,
  operator: Comparison,
  value: JsonValue,
  rank: number,
): Condition {
  const op = sql.raw(operator);
  if (rank === RANK.number) return sql<SqlBool>`${numberKey(json)} ${op} ${value}::numeric`;
  if (rank === RANK.string) return sql<SqlBool>`${textKey(json)} ${op} ${value}::text`;
  if (rank === RANK.array || rank === RANK.object) {
    return sql<SqlBool>`${textKey(json)} ${op} (${JSON.stringify(value)}::jsonb)::text`;
  }
  // Missing, `null`, `true` and `false` each stand alone in their rank.
  return operator.includes('=');
}

/** Compares a field with `value` in the canonical order (`null` for a missing value too). */
export function compare(
  field: Field,
  operator: Comparison,
  value: JsonValue | undefined,
): Condition {
  const rank = rankOf(value);
  const { column } = field;
  if (column) {
    if (rank !== column.rank) return compareNumbers(column.rank, operator, rank);
    return sql<SqlBool>`${column.sql} ${sql.raw(operator)} ${columnLiteral(value as number | string)}`;
  }
  const fieldRank = rankSql(field.json);
  const sameRank = sql<SqlBool>`${fieldRank} = ${sql.lit(rank)}`;
  const within = compareWithinRank(field.json, operator, value ?? null, rank);
  if (operator === '=') return and(sameRank, within);
  const strict = sql.raw(operator.startsWith('<') ? '<' : '>');
  return or(sql<SqlBool>`${fieldRank} ${strict} ${sql.lit(rank)}`, and(sameRank, within));
}
