/**
 * `Filter` to SQL, with the exact meaning `@pawl/core` gives each operator (see
 * `FilterOperator`). Values are always bound parameters.
 *
 * @module
 */

import type { Filter, JsonValue } from '@pawl/core';
import { type SqlBool, sql } from 'kysely';
import { literalKey, rankOf } from './canonical-order.js';
import { and, type Condition, not, or, type Sql } from './condition.js';
import { elementSlot, type FieldSlot } from './fields.js';

export type Comparison = '=' | '<' | '>' | '<=' | '>=';

/** The sort key of missing, `null` and booleans. */
const LOWEST = sql.raw('-9e999');

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

/**
 * Compares the field with `value` in the canonical order, i.e. its `(key, flag)` pair with the
 * literal's. A literal from numbers on has flag 0 and a key no field of another group shares,
 * so comparing keys is enough; one in the lowest group compares flags within it.
 *
 * @param column - for a column, the form to compare (see `FieldSlot.upperBound`).
 */
export function compareKey(
  slot: FieldSlot,
  operator: Comparison,
  value: JsonValue | undefined,
  column: Sql = slot.key,
): Condition {
  const op = sql.raw(operator);
  if (slot.columnRank !== undefined) {
    const rank = rankOf(value);
    if (rank !== slot.columnRank) return compareNumbers(slot.columnRank, operator, rank);
    return sql<SqlBool>`${column} ${op} ${value as number | string}`;
  }
  const literal = literalKey(value);
  if (literal.key !== Number.NEGATIVE_INFINITY) {
    // The flag term of an equality is implied, but lets an index on (key, flag, ...) match
    // both columns and then yield rows in the order of the columns after them.
    return operator === '='
      ? sql<SqlBool>`(${slot.key} = ${literal.key} AND ${slot.flag} = 0)`
      : sql<SqlBool>`${slot.key} ${op} ${literal.key}`;
  }
  const flag = sql.lit(literal.flag);
  switch (operator) {
    case '=':
    case '<':
    case '<=':
      return sql<SqlBool>`(${slot.key} = ${LOWEST} AND ${slot.flag} ${op} ${flag})`;
    case '>':
    case '>=':
      return sql<SqlBool>`(${slot.key} > ${LOWEST} OR (${slot.key} = ${LOWEST} AND ${slot.flag} ${op} ${flag}))`;
  }
}

/** The field is present and not `null`. */
function present(slot: FieldSlot): Condition {
  return compareKey(slot, '>', null);
}

/** The field has JSON type `type`, whose rank is `rank`. */
function hasType(slot: FieldSlot, type: 'text' | 'array' | 'object', rank: number): Condition {
  if (slot.columnRank !== undefined) return slot.columnRank === rank;
  return sql<SqlBool>`${slot.type} = ${sql.lit(type)}`;
}

/** The rows `fullkey, type, atom` of the JSON text `json`: equal sets mean deeply equal values. */
function tree(json: Sql): Sql {
  return sql`SELECT fullkey, type, atom FROM json_tree(${json})`;
}

/**
 * Deep equality with a literal: strict on types, in order for arrays and regardless of key
 * order for objects (compared as the sets of their `json_tree` rows).
 */
export function equals(slot: FieldSlot, value: JsonValue): Condition {
  if (value === null) {
    return slot.columnRank === undefined ? sql<SqlBool>`${slot.type} IS 'null'` : false;
  }
  if (typeof value !== 'object') return compareKey(slot, '=', value);
  const type = Array.isArray(value) ? 'array' : 'object';
  const sameType = hasType(slot, type, rankOf(value));
  if (sameType === false) return false;
  const stored = tree(sql`CASE WHEN ${slot.type} = ${sql.lit(type)} THEN ${slot.value} END`);
  const given = tree(sql.val(JSON.stringify(value)));
  return and(
    sameType,
    sql<SqlBool>`NOT EXISTS (${stored} EXCEPT ${given})`,
    sql<SqlBool>`NOT EXISTS (${given} EXCEPT ${stored})`,
  );
}

/** `lt`, `gt`, `min` and `max` in the canonical order; missing and `null` never match. */
function range(slot: FieldSlot, operator: '<' | '>' | '<=' | '>=', value: JsonValue): Condition {
  if (operator === '>') return compareKey(slot, operator, value);
  if (operator === '>=') {
    return value === null ? present(slot) : compareKey(slot, operator, value);
  }
  return and(compareKey(slot, operator, value, slot.upperBound), present(slot));
}

/** `like` pattern: `*` is the only wildcard; `%`, `_` and `\` are escaped with `\`. */
function likePattern(value: string): string {
  const escaped = value.split('*').map((part) => part.replace(/[\\%_]/g, '\\$&'));
  return escaped.length === 1 ? `%${escaped[0]}%` : escaped.join('%');
}

function asList(value: JsonValue): readonly JsonValue[] {
  return Array.isArray(value) ? value : [value];
}

/** Whether the array field holds an element deeply equal to `item`. */
function holds(slot: FieldSlot, item: JsonValue): Condition {
  const alias = sql.raw('e');
  const match = equals(elementSlot(alias), item);
  if (typeof match === 'boolean') return match;
  return sql<SqlBool>`EXISTS (SELECT 1 FROM ${slot.elements} AS ${alias} WHERE ${match})`;
}

/** The SQL condition of `filter` on the field read by `slot`. */
export function filterCondition(slot: FieldSlot, filter: Filter): Condition {
  const { value } = filter;
  switch (filter.operator) {
    case 'eq':
      return equals(slot, value);
    case 'not':
      return not(equals(slot, value));
    case 'lt':
      return range(slot, '<', value);
    case 'gt':
      return range(slot, '>', value);
    case 'min':
      return range(slot, '>=', value);
    case 'max':
      return range(slot, '<=', value);
    case 'in':
      return or(...asList(value).map((item) => equals(slot, item)));
    case 'exclude':
      return not(or(...asList(value).map((item) => equals(slot, item))));
    case 'has':
      if (slot.columnRank !== undefined) return value === true;
      return value === true
        ? sql<SqlBool>`${slot.type} IS NOT NULL`
        : sql<SqlBool>`${slot.type} IS NULL`;
    case 'like':
      if (typeof value !== 'string') return false;
      return and(
        hasType(slot, 'text', rankOf('')),
        sql<SqlBool>`${slot.value} LIKE ${likePattern(value)} ESCAPE '\\'`,
      );
    case 'contains':
      return and(
        hasType(slot, 'array', rankOf([])),
        ...asList(value).map((item) => holds(slot, item)),
      );
    case 'contains_any':
      return and(
        hasType(slot, 'array', rankOf([])),
        or(...asList(value).map((item) => holds(slot, item))),
      );
  }
}
