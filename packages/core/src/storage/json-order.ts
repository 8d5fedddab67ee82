/**
 * The canonical order and equality of JSON values, field lookup by path, and filter
 * evaluation: the meaning of `Sort` and `Filter` from `types.ts`, executable.
 *
 * Non-SQL backends reuse these helpers as they are; SQL backends must reproduce the same
 * semantics. The conformance suite checks every backend against them.
 *
 * @module
 */

import type { Filter, JsonValue, Sort } from './types.js';

/** Rank of each JSON type in the canonical order; missing and `null` share the first rank. */
function typeRank(value: JsonValue | undefined): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'boolean') return 1;
  if (typeof value === 'number') return 2;
  if (typeof value === 'string') return 3;
  return Array.isArray(value) ? 4 : 5;
}

/**
 * Maps a UTF-16 code unit at or above U+D800 so that surrogates (which encode code points
 * above U+FFFF) sort after U+E000..U+FFFF, as they do in code point and UTF-8 byte order.
 */
function codePointWeight(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}

/** Compares strings by Unicode code point, i.e. the byte order of their UTF-8 encodings. */
function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointWeight(x) < codePointWeight(y) ? -1 : 1;
  }
  return Math.sign(a.length - b.length);
}

/**
 * The canonical ascending order of JSON values: missing and `null` (equal, first), then
 * booleans (`true` before `false`), numbers, strings by code point, arrays, then objects.
 * Arrays and objects compare by the code points of their `JSON.stringify` text.
 *
 * @returns a negative number, zero or a positive number, as `Array#sort` expects.
 */
export function compareJson(a: JsonValue | undefined, b: JsonValue | undefined): number {
  const rank = typeRank(a);
  if (rank !== typeRank(b)) return Math.sign(rank - typeRank(b));
  if (rank === 0 || a === b) return 0;
  if (typeof a === 'boolean') return a ? -1 : 1;
  if (typeof a === 'number') return a < (b as number) ? -1 : 1;
  if (typeof a === 'string') return compareCodePoints(a, b as string);
  return compareCodePoints(JSON.stringify(a), JSON.stringify(b));
}

/**
 * The value at `path` in `record` (an object of JSON values), or `undefined` when missing.
 * Each segment is an own property name of an object: arrays are not indexed into, and
 * names such as `__proto__` or `constructor` never reach the prototype.
 */
export function getPath(record: object, path: readonly string[]): JsonValue | undefined {
  let current: unknown = record;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    if (!Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current as JsonValue | undefined;
}

/** Deep equality of JSON values; the order of object keys does not matter. */
export function jsonEquals(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEquals(item, b[i]));
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && jsonEquals(a[key], b[key]));
}

/** Orders two records by the sort keys, in their directions. */
export function compareBySort(a: object, b: object, sort: readonly Sort[]): number {
  for (const { path, direction } of sort) {
    const order = compareJson(getPath(a, path), getPath(b, path));
    if (order !== 0) return direction === 'asc' ? order : -order;
  }
  return 0;
}

/**
 * Whether `record` comes strictly after the keyset position `after` (the sort key values of
 * an item, `null` standing for a missing field) in the order given by `sort`.
 */
export function isAfter(
  record: object,
  after: readonly JsonValue[],
  sort: readonly Sort[],
): boolean {
  for (const [i, { path, direction }] of sort.entries()) {
    const order = compareJson(getPath(record, path), after[i]);
    if (order !== 0) return direction === 'asc' ? order > 0 : order < 0;
  }
  return false;
}

/** Whether `record` (a live record or a tombstone) satisfies `filter`. */
export function matchesFilter(record: object, filter: Filter): boolean {
  const field = getPath(record, filter.path);
  const { value } = filter;
  switch (filter.operator) {
    case 'eq':
      return field !== undefined && jsonEquals(field, value);
    case 'not':
      return field === undefined || !jsonEquals(field, value);
    case 'lt':
      return isComparable(field) && compareJson(field, value) < 0;
    case 'gt':
      return isComparable(field) && compareJson(field, value) > 0;
    case 'min':
      return isComparable(field) && compareJson(field, value) >= 0;
    case 'max':
      return isComparable(field) && compareJson(field, value) <= 0;
    case 'in':
      return field !== undefined && includesJson(asList(value), field);
    case 'exclude':
      return field === undefined || !includesJson(asList(value), field);
    case 'has':
      return (field !== undefined) === (value === true);
    case 'like':
      return typeof field === 'string' && typeof value === 'string' && likeMatches(field, value);
    case 'contains':
      return Array.isArray(field) && asList(value).every((item) => includesJson(field, item));
    case 'contains_any':
      return Array.isArray(field) && asList(value).some((item) => includesJson(field, item));
  }
}

/** Range operators never match a missing or `null` field. */
function isComparable(field: JsonValue | undefined): field is JsonValue {
  return field !== undefined && field !== null;
}

function asList(value: JsonValue): readonly JsonValue[] {
  return Array.isArray(value) ? value : [value];
}

function includesJson(list: readonly JsonValue[], item: JsonValue): boolean {
  return list.some((candidate) => jsonEquals(candidate, item));
}

/** Lowercases ASCII letters only, so that `like` is ASCII case-insensitive. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

/**
 * `like` semantics: without `*` the pattern matches anywhere; with `*` it must match the
 * whole text, each `*` standing for any run of characters. Matched segment by segment (no
 * regular expression), so every other character is literal and nothing backtracks.
 */
function likeMatches(text: string, pattern: string): boolean {
  const haystack = asciiLower(text);
  const segments = asciiLower(pattern).split('*');
  const first = segments[0] ?? '';
  if (segments.length === 1) return haystack.includes(first);
  if (!haystack.startsWith(first)) return false;
  let position = first.length;
  for (const middle of segments.slice(1, -1)) {
    const found = haystack.indexOf(middle, position);
    if (found < 0) return false;
    position = found + middle.length;
  }
  const last = segments.at(-1) ?? '';
  return haystack.length - last.length >= position && haystack.endsWith(last);
}
