/**
 * The canonical order of JSON values (see `Sort` in `@pawl/core`) in SQL terms, as two
 * expressions that SQLite's own ordering of values turns into that order:
 *
 * - the sort key: numbers and strings as they are, arrays and objects as the bytes (a `BLOB`)
 *   of their JSON text, and `-Infinity` for everything else (missing, `null`, booleans). SQLite
 *   orders numbers before text before blobs, compares text with the `BINARY` collation (UTF-8
 *   bytes, i.e. code points) and blobs bytewise, and `'['` sorts before `'{'`: exactly the
 *   canonical order from numbers on. No JSON number is infinite, so `-Infinity` comes first;
 * - the flag, which orders the `-Infinity` group: 0 missing or `null`, 1 `true`, 2 `false`.
 *
 * One key column keeps every range a single-column range: an index on `(key, flag, ...)`
 * serves `gt`/`lt` filters and keyset positions on values in both directions.
 *
 * @module
 */

import type { JsonValue } from '@pawl/core';
import { sql } from 'kysely';
import type { Sql } from './condition.js';

/** The sort key of the value whose `json_type` is `type` and `json_extract` is `value`. */
export function keyCase(type: Sql, value: Sql): Sql {
  return sql`CASE ${type} WHEN 'integer' THEN ${value} WHEN 'real' THEN ${value} WHEN 'text' THEN ${value} WHEN 'array' THEN CAST(${value} AS BLOB) WHEN 'object' THEN CAST(${value} AS BLOB) ELSE -9e999 END`;
}

/** The flag of the value whose `json_type` is `type`. */
export function flagCase(type: Sql): Sql {
  return sql`CASE ${type} WHEN 'true' THEN 1 WHEN 'false' THEN 2 ELSE 0 END`;
}

/** The sort key and flag of a literal, as parameters. */
export interface LiteralKey {
  readonly key: number | string | Buffer;
  readonly flag: 0 | 1 | 2;
}

export function literalKey(value: JsonValue | undefined): LiteralKey {
  if (typeof value === 'number' || typeof value === 'string') return { key: value, flag: 0 };
  if (typeof value === 'object' && value !== null) {
    return { key: Buffer.from(JSON.stringify(value)), flag: 0 };
  }
  if (typeof value === 'boolean') return { key: Number.NEGATIVE_INFINITY, flag: value ? 1 : 2 };
  return { key: Number.NEGATIVE_INFINITY, flag: 0 };
}

/**
 * Ranks of the canonical order, for columns (whose type is known) compared with literals of
 * any type: 0 missing or `null`, 1 `true`, 2 `false`, 3 numbers, 4 strings, 5 arrays, 6 objects.
 */
export function rankOf(value: JsonValue | undefined): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'boolean') return value ? 1 : 2;
  if (typeof value === 'number') return 3;
  if (typeof value === 'string') return 4;
  return Array.isArray(value) ? 5 : 6;
}
