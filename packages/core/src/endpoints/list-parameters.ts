/**
 * Everything a list request asks for in its query string, read and checked at once.
 *
 * @module
 */
import { invalidParameter } from '../errors/index.js';
import { parseFilters } from '../protocol/filters.js';
import { decodeToken, type PageToken } from '../protocol/pagination-token.js';
import { parseFields } from '../protocol/partial-fields.js';
import { parseSort } from '../protocol/sorting.js';
import type { Resource } from '../resource/define-resource.js';
import type { Filter, Sort } from '../storage/types.js';

export interface ListParameters {
  filters: Filter[];
  /** Tombstones are listed when a filter names `last_modified` (`_since`, `_before`, ...). */
  includeDeleted: boolean;
  sort: Sort[];
  limit: number;
  fields: string[][] | null;
  token: PageToken | undefined;
}

export function parseListParameters(
  resource: Resource,
  params: URLSearchParams,
  maxPageSize: number,
): ListParameters {
  const { filters, onLastModified } = parseFilters(resource, params);
  const sort = parseSort(resource, params.get('_sort'));
  const rawToken = params.get('_token');
  return {
    filters,
    includeDeleted: onLastModified,
    sort,
    limit: parseLimit(params.get('_limit'), maxPageSize),
    fields: parseFields(resource, params.get('_fields')),
    token: rawToken ? decodeToken(rawToken, sort) : undefined,
  };
}

/** `_limit`: a positive integer, capped by the maximum page size (the default when absent). */
function parseLimit(raw: string | null, maxPageSize: number): number {
  if (raw === null || raw === '') return maxPageSize;
  if (!/^\d{1,10}$/.test(raw) || Number(raw) < 1) {
    throw invalidParameter('querystring', '_limit', '_limit must be a positive integer');
  }
  return Math.min(Number(raw), maxPageSize);
}
