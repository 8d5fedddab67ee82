/**
 * Field slots: the SQL that reads one field of a record (`records AS r`). A slot gives the
 * field's JSON type, its value and its sort key and flag (see `canonical-order.ts`):
 * - `id` and `last_modified` are columns, whose type is known without asking SQLite;
 * - a path whose keys SQLite's path syntax can express reads `data` with the path bound as a
 *   parameter, or, for a field with an expression index, written as the index's literal;
 * - a path with a key it cannot express (`"`, `\`) walks `json_each` and matches that key
 *   as a bound parameter, in scalar subqueries.
 *
 * @module
 */

import { sql } from 'kysely';
import { isPathKey, jsonPath, jsonPathLiteral } from '../json-path.js';
import { flagCase, keyCase } from './canonical-order.js';
import type { Sql } from './condition.js';

export interface FieldSlot {
  /** The field's `json_type` name, `NULL` when it is missing. */
  readonly type: Sql;
  /** Its value as `json_extract` returns it (JSON text for arrays and objects). */
  readonly value: Sql;
  /** Its sort key. */
  readonly key: Sql;
  /** Its flag, which orders missing, `null`, `true` and `false` (all with the same key). */
  readonly flag: Sql;
  /** For a column, the rank (see `rankOf`) of every value it holds. */
  readonly columnRank?: number;
  /**
   * For a column, the form to use in upper-bound filters (`lt`, `max`) when it differs:
   * `+r.last_modified`, which SQLite will not pick an index for. Such bounds come from the
   * snapshot of paginated lists (`last_modified <= <first page's timestamp>`) and rarely exclude
   * anything; as an index range they would win over the keyset position of a deep page and
   * over an index that serves the sort.
   */
  readonly upperBound?: Sql;
  /** A `json_each` source over the field's elements, meaningful when it is an array. */
  readonly elements: Sql;
}

/** Builds the slot of a field path, for one resource. */
export type FieldResolver = (path: readonly string[]) => FieldSlot;

function columnSlot(column: Sql, type: string, rank: number): FieldSlot {
  return {
    type: sql.lit(type),
    value: column,
    key: column,
    flag: sql.lit(0),
    columnRank: rank,
    elements: sql`json_each(NULL)`,
  };
}

const ID = columnSlot(sql`r.id`, 'text', 4);
const LAST_MODIFIED: FieldSlot = {
  ...columnSlot(sql`r.last_modified`, 'integer', 3),
  upperBound: sql`+r.last_modified`,
};

function jsonSlot(type: Sql, value: Sql, elements: Sql): FieldSlot {
  return { type, value, key: keyCase(type, value), flag: flagCase(type), elements };
}

/** The slot of a path inside `data`, the path being a bound parameter or a literal. */
function dataSlot(path: Sql): FieldSlot {
  return jsonSlot(
    sql`json_type(data, ${path})`,
    sql`json_extract(data, ${path})`,
    sql`json_each(data, ${path})`,
  );
}

/** The slot of one element of a `json_each` source aliased `alias`. */
export function elementSlot(alias: Sql): FieldSlot {
  return jsonSlot(sql`${alias}.type`, sql`${alias}.value`, sql`json_each(NULL)`);
}

/**
 * The slot of a path with keys SQLite paths cannot express. Runs of expressible keys still use
 * paths; each other key is a `json_each` step over an object, matched by `key = ?`. Arrays are
 * never entered: their `json_each` keys are integers, which equal no string.
 */
function walkedSlot(path: readonly string[]): FieldSlot {
  let container: Sql = sql`data`;
  let run: string[] = [];
  const sources: Sql[] = [];
  const matches: Sql[] = [];
  let last: Sql | undefined;
  for (const key of path) {
    if (isPathKey(key)) {
      run.push(key);
      continue;
    }
    const alias = sql.raw(`k${sources.length}`);
    sources.push(sql`json_each(${container}, ${jsonPath(run)}) AS ${alias}`);
    matches.push(sql`${alias}.key = ${key}`);
    container = sql`CASE WHEN ${alias}.type = 'object' THEN ${alias}.value END`;
    run = [];
    last = alias;
  }
  const scalar = (expression: Sql): Sql =>
    sql`(SELECT ${expression} FROM ${sql.join(sources)} WHERE ${sql.join(matches, sql` AND `)})`;
  // Either the path goes on below the last walked key, or that key's element is the field.
  const below = run.length > 0 || last === undefined;
  const type = scalar(below ? sql`json_type(${container}, ${jsonPath(run)})` : sql`${last}.type`);
  const value = scalar(
    below ? sql`json_extract(${container}, ${jsonPath(run)})` : sql`${last}.value`,
  );
  return jsonSlot(type, value, sql`json_each(CASE WHEN ${type} = 'array' THEN ${value} END)`);
}

/** A key for a path in a set, unambiguous whatever characters the keys hold. */
export function pathKey(path: readonly string[]): string {
  return JSON.stringify(path);
}

/** The slot of an indexed field, its path written as a literal: the index's own expressions. */
export function indexedSlot(path: readonly string[]): FieldSlot {
  return dataSlot(sql.raw(jsonPathLiteral(path)));
}

/**
 * The field resolver of a resource whose `indexed` fields (path keys, see `pathKey`) have
 * expression indexes: those are read with the literal path the index was built with.
 */
export function fieldResolver(indexed: ReadonlySet<string>): FieldResolver {
  return (path) => {
    if (path.length === 1 && path[0] === 'id') return ID;
    if (path.length === 1 && path[0] === 'last_modified') return LAST_MODIFIED;
    if (!path.every(isPathKey)) return walkedSlot(path);
    if (indexed.has(pathKey(path))) return indexedSlot(path);
    return dataSlot(sql.val(jsonPath(path)));
  };
}
