/**
 * `_sort=field,-other`: the order of a list. The result always ends with `last_modified`
 * (descending unless named) and `id`, so that it is a total order for keyset pagination.
 *
 * @module
 */
import { invalidParameter } from '../errors/index.js';
import type { Resource } from '../resource/define-resource.js';
import type { Sort } from '../storage/types.js';
import { fieldPath } from './field-names.js';

const MAX_SORT_KEYS = 10;

export function parseSort(resource: Resource, raw: string | null): Sort[] {
  const sort: Sort[] = [];
  const named = new Set<string>();
  const items = (raw ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length > MAX_SORT_KEYS) {
    throw invalidParameter(
      'querystring',
      '_sort',
      `At most ${MAX_SORT_KEYS} sort fields are allowed`,
    );
  }
  for (const item of items) {
    const descending = item.startsWith('-');
    const name = descending || item.startsWith('+') ? item.slice(1) : item;
    const path = fieldPath(resource, name, '_sort');
    if (named.has(name)) continue;
    named.add(name);
    sort.push({ path, direction: descending ? 'desc' : 'asc' });
  }
  if (!named.has('last_modified')) sort.push({ path: ['last_modified'], direction: 'desc' });
  if (!named.has('id')) sort.push({ path: ['id'], direction: 'asc' });
  return sort;
}
