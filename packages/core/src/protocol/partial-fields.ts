/**
 * `_fields=title,author.name`: partial responses. `id` and `last_modified` (and `deleted` on
 * tombstones) are always kept.
 *
 * @module
 */
import type { Resource } from '../resource/define-resource.js';
import type { JsonValue } from '../storage/types.js';
import { fieldPath } from './field-names.js';

const ALWAYS = ['id', 'last_modified', 'deleted'];

/** The requested paths, or `null` when every field is wanted. */
export function parseFields(resource: Resource, raw: string | null): string[][] | null {
  if (raw === null || raw.trim() === '') return null;
  return raw
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '')
    .map((name) => fieldPath(resource, name, '_fields'));
}

type JsonObject = { [key: string]: JsonValue };

/** A copy of `record` with only the requested paths (nested objects rebuilt along the way). */
export function selectFields<T extends object>(record: T, paths: string[][]): T {
  const source = record as JsonObject;
  const result: JsonObject = {};
  for (const key of ALWAYS) {
    if (Object.hasOwn(source, key)) result[key] = source[key] as JsonValue;
  }
  for (const path of paths) copyPath(source, result, path);
  return result as T;
}

function copyPath(source: JsonObject, target: JsonObject, path: string[]): void {
  const [head, ...rest] = path;
  if (head === undefined || !Object.hasOwn(source, head)) return;
  const value = source[head] as JsonValue;
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  if (!isObject(value)) return;
  const existing = target[head];
  const nested: JsonObject = isObject(existing) ? existing : {};
  copyPath(value, nested, rest);
  if (Object.keys(nested).length > 0) target[head] = nested;
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
