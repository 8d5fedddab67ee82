/**
 * Limits on the JSON that clients send, in bodies, query values and page tokens. Parsing is
 * iterative and accepts any depth and number literals such as `1e400` (which become
 * `Infinity`), but what comes next does not: cloning, comparing and serialising recurse, SQL
 * JSON functions have depth limits, and `Infinity` is no JSON value and would be stored as
 * something else than what was sent.
 *
 * @module
 */
import type { JsonValue } from '../storage/types.js';

/** The deepest nesting of arrays and objects accepted (a scalar has depth 0). */
export const MAX_JSON_DEPTH = 100;

/** Why `value` is refused, or `undefined` when it is within limits. Walks without recursion. */
export function jsonLimitViolation(value: JsonValue): string | undefined {
  const pending: Array<[JsonValue, number]> = [[value, 0]];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const [node, depth] = item;
    if (typeof node === 'number' && !Number.isFinite(node)) return 'Numbers must be finite';
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= MAX_JSON_DEPTH) return `JSON must not nest deeper than ${MAX_JSON_DEPTH} levels`;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return undefined;
}
