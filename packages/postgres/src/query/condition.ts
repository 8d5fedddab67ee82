/**
 * Boolean SQL conditions that fold constants: a condition is a SQL expression or a known
 * `true`/`false`, so that comparisons settled in JavaScript (a column compared with a value of
 * another type) drop out of the query.
 *
 * @module
 */

import { type RawBuilder, type SqlBool, sql } from 'kysely';

/** A SQL fragment; every value in it is a bound parameter. */
export type Sql = RawBuilder<unknown>;

export type Condition = RawBuilder<SqlBool> | boolean;

export function and(...conditions: Condition[]): Condition {
  if (conditions.includes(false)) return false;
  const parts = conditions.filter((condition) => condition !== true);
  if (parts.length === 0) return true;
  return parts.length === 1
    ? (parts[0] as Condition)
    : sql<SqlBool>`(${sql.join(parts, sql` AND `)})`;
}

export function or(...conditions: Condition[]): Condition {
  if (conditions.includes(true)) return true;
  const parts = conditions.filter((condition) => condition !== false);
  if (parts.length === 0) return false;
  return parts.length === 1
    ? (parts[0] as Condition)
    : sql<SqlBool>`(${sql.join(parts, sql` OR `)})`;
}

/** Negation that treats SQL `NULL` as false, so that the result is never `NULL`. */
export function not(condition: Condition): Condition {
  return typeof condition === 'boolean' ? !condition : sql<SqlBool>`(${condition}) IS NOT TRUE`;
}

export function toSql(condition: Condition): RawBuilder<SqlBool> {
  if (typeof condition !== 'boolean') return condition;
  return condition ? sql<SqlBool>`TRUE` : sql<SqlBool>`FALSE`;
}
