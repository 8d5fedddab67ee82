/**
 * SQLite JSON paths for record fields. Field names are data: a path is always passed to
 * SQLite as a bound parameter, with each key quoted (`$."author"."name"`).
 *
 * SQLite's path syntax has no escape for `"` inside a quoted key and reads `\` as the start
 * of an escape, so keys holding `"`, `\` or NUL cannot be written in a path at all; the
 * query builder reaches them through `json_each` instead (see `query/fields.ts`).
 *
 * @module
 */

/** Whether `key` can be written inside a quoted key of a SQLite JSON path. */
export function isPathKey(key: string): boolean {
  return !key.includes('"') && !key.includes('\\') && !key.includes('\u0000');
}

/**
 * The JSON path of `keys`, each quoted (`$` for none), for use as a bound parameter.
 * Every key must satisfy `isPathKey`.
 */
export function jsonPath(keys: readonly string[]): string {
  return `$${keys.map((key) => `."${key}"`).join('')}`;
}

/** The only keys allowed where a path becomes SQL text (in expression indexes). */
const INDEXABLE_KEY = /^[A-Za-z0-9_-]+$/;

/**
 * The JSON path of `keys` as a SQL string literal, for the one place where a field name
 * reaches SQL text: expression indexes, whose expressions queries must repeat verbatim.
 *
 * @throws when a key is not made of ASCII letters, digits, `_` and `-` only.
 */
export function jsonPathLiteral(keys: readonly string[]): string {
  for (const key of keys) {
    if (!INDEXABLE_KEY.test(key)) {
      throw new Error(
        `Cannot index the field ${JSON.stringify(keys.join('.'))}: each part of an indexed field name must match ${INDEXABLE_KEY}`,
      );
    }
  }
  return `'${jsonPath(keys).replaceAll("'", "''")}'`;
}
