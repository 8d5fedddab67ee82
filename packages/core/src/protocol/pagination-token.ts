/**
 * The opaque `_token` of `Next-Page` URLs: the sort-key values of the last item returned
 * (keyset pagination, no OFFSET) and the collection timestamp when the first page was served.
 * Later pages leave out what changed after that first page, so a walk through the pages never
 * shows a record twice; what changed meanwhile comes with the next `_since` poll. The token
 * also carries the first page's `Total-Records`, which later pages repeat instead of counting.
 *
 * @module
 */
import { invalidParameter } from '../errors/index.js';
import type { JsonValue, Sort } from '../storage/types.js';
import { jsonLimitViolation } from './json-limits.js';

export interface PageToken {
  /** Sort-key values of the last item returned. */
  after: JsonValue[];
  /** Collection timestamp when the first page was served. */
  snapshot: number;
  /** `Total-Records` of the first page; absent from tokens made before it was carried. */
  total?: number;
}

const MAX_TOKEN_LENGTH = 16_384;

export function encodeToken(token: PageToken, sort: readonly Sort[]): string {
  const payload = { a: token.after, s: token.snapshot, t: token.total, k: sortKey(sort) };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

/** Decodes a token made for this same sort, or throws 400 errno 107. */
export function decodeToken(raw: string, sort: readonly Sort[]): PageToken {
  const invalid = () => invalidParameter('querystring', '_token', '_token has invalid content');
  if (raw.length > MAX_TOKEN_LENGTH || !/^[\w-]+$/.test(raw)) throw invalid();
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof payload !== 'object' || payload === null) throw invalid();
  if (jsonLimitViolation(payload as JsonValue)) throw invalid();
  const { a, s, t, k } = payload as { a?: unknown; s?: unknown; t?: unknown; k?: unknown };
  if (!Array.isArray(a) || a.length !== sort.length || k !== sortKey(sort)) throw invalid();
  if (!isCount(s) || (t !== undefined && !isCount(t))) throw invalid();
  return { after: a as JsonValue[], snapshot: s, ...(t === undefined ? {} : { total: t }) };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function sortKey(sort: readonly Sort[]): string {
  return sort
    .map((item) => `${item.direction === 'desc' ? '-' : ''}${item.path.join('.')}`)
    .join(',');
}
