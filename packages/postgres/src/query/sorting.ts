/**
 * `Sort` keys to `ORDER BY` terms, and the keyset condition of `ListQuery.after` in the same
 * canonical order, in its expanded form `(k1 > v1) OR (k1 = v1 AND k2 > v2) OR ...`, each `>`
 * turned into `<` for a descending key.
 *
 * @module
 */

import type { JsonValue, Sort } from '@pawl/core';
import { type SqlBool, sql } from 'kysely';
import { compare, numberKey, RANK, rankSql, textKey } from './canonical-order.js';
import { and, type Condition, or, type Sql } from './condition.js';
import { type Field, field } from './fields.js';

export interface OrderTerm {
  readonly expression: Sql;
  readonly direction: 'asc' | 'desc';
}

interface SortKey {
  readonly field: Field;
  readonly direction: 'asc' | 'desc';
}

function keys(sort: readonly Sort[]): SortKey[] {
  return sort.map(({ path, direction }) => ({ field: field(path), direction }));
}

/** The `ORDER BY` terms of `sort`: a column as it is, any other field as rank then value. */
export function orderTerms(sort: readonly Sort[]): OrderTerm[] {
  return keys(sort).flatMap(({ field: { column, json }, direction }) =>
    column
      ? [{ expression: column.sql, direction }]
      : [rankSql(json), numberKey(json), textKey(json)].map((expression) => ({
          expression,
          direction,
        })),
  );
}

/**
 * The items from `value` on, inclusive, in the direction of `key`. For a field of `data` and a
 * number, `compare` gives `rank > 3 OR (rank = 3 AND number >= v)`, which no index range can
 * express; the same condition as a row comparison, `(rank, number) >= (3, v)`, is one range of
 * the field's order index (see `schema/expression-indexes.ts`): a rank other than 3 decides
 * alone, and the number of a rank 3 value is never `NULL`.
 */
function from({ field: target, direction }: SortKey, value: JsonValue): Condition {
  const operator = direction === 'asc' ? '>=' : '<=';
  if (target.column || typeof value !== 'number') return compare(target, operator, value);
  const terms = sql`(${rankSql(target.json)}, ${numberKey(target.json)})`;
  return sql<SqlBool>`${terms} ${sql.raw(operator)} (${sql.lit(RANK.number)}, ${value}::numeric)`;
}

/**
 * Items strictly after the keyset position `after` (`null` standing for a missing field). The
 * first key is also bounded on its own (`k1 >= v1`, see `from`), a redundant range that lets an
 * index on that key start at the position instead of reading every row before it.
 */
export function keysetCondition(sort: readonly Sort[], after: readonly JsonValue[]): Condition {
  const branches: Condition[] = [];
  const equalSoFar: Condition[] = [];
  for (const [i, key] of keys(sort).entries()) {
    const value = after[i] ?? null;
    branches.push(
      and(...equalSoFar, compare(key.field, key.direction === 'asc' ? '>' : '<', value)),
    );
    equalSoFar.push(compare(key.field, '=', value));
  }
  const [first] = keys(sort);
  if (!first) return false;
  return and(from(first, after[0] ?? null), or(...branches));
}
