/**
 * Clients replicating data may force `last_modified`. A forced value replaces a record's
 * timestamp only when it is greater than the current one; otherwise the write gets a fresh
 * timestamp as usual.
 *
 * @module
 */
import { invalidParameter, invalidPostedData } from '../errors/index.js';
import { parseTimestamp } from '../protocol/native-value.js';
import type { JsonValue, RecordFields } from '../storage/types.js';

/** Splits `last_modified` off posted data; 400 when it is not a non-negative integer. */
export function takeForcedTimestamp(data: RecordFields): {
  fields: RecordFields;
  forced: number | undefined;
} {
  const { last_modified: value, ...fields } = data;
  if (value === undefined) return { fields, forced: undefined };
  if (!isTimestamp(value)) {
    throw invalidPostedData([
      {
        location: 'body',
        name: 'last_modified',
        description: 'last_modified must be a non-negative integer',
      },
    ]);
  }
  return { fields, forced: value };
}

/** `?last_modified=` on DELETE. */
export function forcedFromQuery(params: URLSearchParams): number | undefined {
  const raw = params.get('last_modified');
  if (raw === null || raw === '') return undefined;
  const value = parseTimestamp(raw);
  if (value === undefined) {
    throw invalidParameter(
      'querystring',
      'last_modified',
      `Invalid value for last_modified: ${raw.slice(0, 50)}`,
    );
  }
  return value;
}

/** The forced value when it moves the record forward, else `undefined` (a fresh timestamp). */
export function acceptForced(
  forced: number | undefined,
  current: number | undefined,
): number | undefined {
  if (forced === undefined) return undefined;
  return current !== undefined && forced <= current ? undefined : forced;
}

function isTimestamp(value: JsonValue): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
