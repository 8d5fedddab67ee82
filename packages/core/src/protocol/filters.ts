/**
 * Turns query string parameters into storage filters: `field=value`, `min_field=4`,
 * `in_status=1,2`, `_since=123`, and the rest of the prefixes.
 *
 * @module
 */
import { invalidParameter } from '../errors/index.js';
import type { Resource } from '../resource/define-resource.js';
import type { Filter, FilterOperator, JsonValue } from '../storage/types.js';
import { fieldPath } from './field-names.js';
import { nativeValue, parseTimestamp } from './native-value.js';

const PREFIXES: ReadonlyArray<[string, FilterOperator]> = [
  ['contains_any_', 'contains_any'],
  ['contains_', 'contains'],
  ['exclude_', 'exclude'],
  ['min_', 'min'],
  ['max_', 'max'],
  ['not_', 'not'],
  ['like_', 'like'],
  ['has_', 'has'],
  ['in_', 'in'],
  ['lt_', 'lt'],
  ['gt_', 'gt'],
];

/**
 * `_since`, `_before` and the deprecated `_to`, as filters on `last_modified`. A `Map`, so that
 * names such as `__proto__` or `toString` find nothing.
 */
const POLLING = new Map<string, FilterOperator>([
  ['_since', 'gt'],
  ['_before', 'lt'],
  ['_to', 'lt'],
]);

export interface ParsedFilters {
  filters: Filter[];
  /** Whether a filter names `last_modified`: then tombstones are listed too. */
  onLastModified: boolean;
}

/**
 * Reads every filter of a query string. Parameters starting with `_` other than the polling
 * ones are not filters and are skipped here.
 */
export function parseFilters(resource: Resource, params: URLSearchParams): ParsedFilters {
  const filters: Filter[] = [];
  let onLastModified = false;
  for (const [rawName, raw] of params) {
    const name = rawName.trim();
    const polling = POLLING.get(name);
    if (polling) {
      if (raw === 'null') continue;
      const value = parseTimestamp(raw);
      if (value === undefined) {
        throw invalidParameter(
          'querystring',
          name,
          `Invalid value for ${name}: an integer timestamp is expected`,
        );
      }
      filters.push({ path: ['last_modified'], operator: polling, value });
      onLastModified = true;
      continue;
    }
    if (name.startsWith('_')) continue;
    const [operator, field] = splitOperator(name);
    const path = fieldPath(resource, field, name);
    filters.push({ path, operator, value: filterValue(operator, path, raw, name) });
    if (field === 'last_modified') onLastModified = true;
  }
  return { filters, onLastModified };
}

function splitOperator(name: string): [FilterOperator, string] {
  for (const [prefix, operator] of PREFIXES) {
    if (name.startsWith(prefix) && name.length > prefix.length) {
      return [operator, name.slice(prefix.length)];
    }
  }
  return ['eq', name];
}

function filterValue(
  operator: FilterOperator,
  path: string[],
  raw: string,
  name: string,
): JsonValue {
  const field = path.join('.');
  if (operator === 'has') {
    const value = nativeValue(raw);
    if (typeof value !== 'boolean') {
      throw invalidParameter(
        'querystring',
        name,
        `Invalid value for ${name}: true or false is expected`,
      );
    }
    return value;
  }
  if (operator === 'like') return raw;
  const many = operator === 'in' || operator === 'exclude';
  const values = many
    ? raw.split(',').map((item) => typedValue(field, item, name))
    : [typedValue(field, raw, name)];
  return many ? values : (values[0] as JsonValue);
}

/** Ids are always strings and timestamps always integers, whatever they look like. */
function typedValue(field: string, raw: string, name: string): JsonValue {
  if (field === 'id') return raw;
  if (field === 'last_modified') {
    const value = parseTimestamp(raw);
    if (value === undefined) {
      throw invalidParameter(
        'querystring',
        name,
        `Invalid value for ${name}: an integer timestamp is expected`,
      );
    }
    return value;
  }
  return nativeValue(raw);
}
