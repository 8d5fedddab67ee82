/**
 * `Sort` keys to `ORDER BY` terms, and the keyset condition of `ListQuery.after` in the same
 * canonical order: `(k1 > v1) OR (k1 = v1 AND k2 > v2) OR ...`, each `>` turned into `<` for a
 * descending key.
 *
 * @module
 */

import type { JsonValue } from '@pawl/core';
import { and, type Condition, or, type Sql } from './condition.js';
import type { FieldSlot } from './fields.js';
import { compareKey } from './filters.js';

export interface OrderTerm {
  readonly expression: Sql;
  readonly direction: 'asc' | 'desc';
}

export interface SortKey {
  readonly slot: FieldSlot;
  readonly direction: 'asc' | 'desc';
}

/** The `ORDER BY` terms of one sort key: its key then its flag, or just the column. */
export function orderTerms({ slot, direction }: SortKey): OrderTerm[] {
  if (slot.columnRank !== undefined) return [{ expression: slot.key, direction }];
  return [
    { expression: slot.key, direction },
    { expression: slot.flag, direction },
  ];
}

/**
 * Items strictly after the keyset position `after` in the order of `keys` (`null` standing
 * for a missing field). The first key is also bounded on its own (`k1 >= v1`), a redundant
 * range that lets SQLite start its index scan at the position instead of filtering every row
 * before it.
 */
export function keysetCondition(keys: readonly SortKey[], after: readonly JsonValue[]): Condition {
  const branches: Condition[] = [];
  const equalSoFar: Condition[] = [];
  for (const [i, { slot, direction }] of keys.entries()) {
    const value = after[i] ?? null;
    branches.push(and(...equalSoFar, compareKey(slot, direction === 'asc' ? '>' : '<', value)));
    equalSoFar.push(compareKey(slot, '=', value));
  }
  const first = keys[0];
  if (!first) return false;
  const start = compareKey(first.slot, first.direction === 'asc' ? '>=' : '<=', after[0] ?? null);
  return and(start, or(...branches));
}
