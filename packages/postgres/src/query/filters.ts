/**
 * `Filter` to SQL, with the exact meaning `@pawl/core` gives each operator (see
 * `FilterOperator`): deep, type-strict equality is `jsonb` equality, ranges follow the
 * canonical order, `like` is ASCII case-insensitive. Values are always bound parameters.
 *
 * @module
 */

import type { Filter, JsonValue } from '@pawl/core';
import { type SqlBool, sql } from 'kysely';
import { compare, RANK } from './canonical-order.js';
import { and, type Condition, not, or, type Sql } from './condition.js';
import { type Field, field } from './fields.js';

function asList(value: JsonValue): JsonValue[] {
  return Array.isArray(value) ? value : [value];
}

function jsonb(value: JsonValue): Sql {
  return sql`${JSON.stringify(value)}::jsonb`;
}

function equals(target: Field, value: JsonValue): Condition {
  return target.column
    ? compare(target, '=', value)
    : sql<SqlBool>`${target.json} = ${jsonb(value)}`;
}

/** The field equals one of `values`. */
function isIn(target: Field, values: JsonValue[]): Condition {
  if (values.length === 0) return false;
  if (target.column) return or(...values.map((value) => compare(target, '=', value)));
  return sql<SqlBool>`${target.json} IN (SELECT jsonb_array_elements(${jsonb(values)}))`;
}

/** `like` patterns: `*` is the only wildcard, and without one the value matches anywhere. */
function likePattern(value: string): string {
  const lowered = value.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
  const escaped = lowered.replace(/[\\%_]/g, (character) => `\\${character}`);
  return escaped.includes('*') ? escaped.replaceAll('*', '%') : `%${escaped}%`;
}

function like(target: Field, value: JsonValue): Condition {
  if (typeof value !== 'string') return false;
  const pattern = likePattern(value);
  // `lower` under the "C" collation changes ASCII letters only.
  if (target.column) {
    return (
      target.column.rank === RANK.string &&
      sql<SqlBool>`lower(${target.column.sql}) LIKE ${pattern}`
    );
  }
  const text = sql`(${target.json} #>> '{}') COLLATE "C"`;
  return sql<SqlBool>`(jsonb_typeof(${target.json}) = 'string' AND lower(${text}) LIKE ${pattern})`;
}

/**
 * The field is an array holding every (`all`) or any element of `values`, compared with deep
 * equality. `@>` alone would also find `["a"]` inside `[["a", "b"]]`, so it only serves lists
 * of scalars.
 */
function contains(target: Field, values: JsonValue[], all: boolean): Condition {
  if (target.column) return false;
  const array = target.json;
  let test: Condition;
  if (all && values.every((value) => value === null || typeof value !== 'object')) {
    test = sql<SqlBool>`${array} @> ${jsonb(values)}`;
  } else {
    const element = sql`element IN (SELECT jsonb_array_elements(${jsonb(values)}))`;
    test = all
      ? sql<SqlBool>`NOT EXISTS (SELECT 1 FROM jsonb_array_elements(${jsonb(values)}) AS wanted(element) WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(${array}) AS held(element) WHERE held.element = wanted.element))`
      : sql<SqlBool>`EXISTS (SELECT 1 FROM jsonb_array_elements(${array}) AS held(element) WHERE ${element})`;
  }
  // CASE, not AND: `jsonb_array_elements` fails on anything but an array.
  return sql<SqlBool>`(CASE WHEN jsonb_typeof(${array}) = 'array' THEN ${test} ELSE FALSE END)`;
}

/** Range operators never match a missing or `null` field. */
function present(target: Field): Condition {
  return compare(target, '>', null);
}

export function filterCondition(filter: Filter): Condition {
  const target = field(filter.path);
  const { value } = filter;
  switch (filter.operator) {
    case 'eq':
      return equals(target, value);
    case 'not':
      return not(equals(target, value));
    case 'lt':
      return and(present(target), compare(target, '<', value));
    case 'gt':
      return and(present(target), compare(target, '>', value));
    case 'min':
      return and(present(target), compare(target, '>=', value));
    case 'max':
      return and(present(target), compare(target, '<=', value));
    case 'in':
      return isIn(target, asList(value));
    case 'exclude':
      return not(isIn(target, asList(value)));
    case 'has':
      if (target.column) return value === true;
      return value === true
        ? sql<SqlBool>`${target.json} IS NOT NULL`
        : sql<SqlBool>`${target.json} IS NULL`;
    case 'like':
      return like(target, value);
    case 'contains':
      return contains(target, asList(value), true);
    case 'contains_any':
      return contains(target, asList(value), false);
  }
}
