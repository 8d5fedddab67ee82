/**
 * Query string values are typed the way Kinto types them: anything that parses as JSON is
 * that JSON value (`2`, `true`, `"2.0"`, `[1,2]`), anything else (JSON beyond the limits of
 * `json-limits.ts` included) is the string as written.
 *
 * @module
 */
import type { JsonValue } from '../storage/types.js';
import { jsonLimitViolation } from './json-limits.js';

export function nativeValue(raw: string): JsonValue {
  let value: JsonValue;
  try {
    value = JSON.parse(raw) as JsonValue;
  } catch {
    return raw;
  }
  return jsonLimitViolation(value) === undefined ? value : raw;
}

/** A timestamp given as `123` or `"123"` (as an ETag); `undefined` when it is not a safe integer ≥ 0. */
export function parseTimestamp(raw: string): number | undefined {
  const unquoted =
    raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  if (!/^\d{1,16}$/.test(unquoted)) return undefined;
  const value = Number(unquoted);
  return Number.isSafeInteger(value) ? value : undefined;
}
