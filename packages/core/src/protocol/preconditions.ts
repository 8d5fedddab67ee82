/**
 * `If-Match` and `If-None-Match` with the quoted timestamps Pawl hands out as ETags, and `*`.
 * The outcomes follow the concurrency-control table of the protocol: 412 when a condition
 * fails on a write, 304 when a read has not changed.
 *
 * @module
 */
import { invalidParameter, modifiedMeanwhile } from '../errors/index.js';
import type { StoredRecord } from '../storage/types.js';
import { parseTimestamp } from './native-value.js';

export type Condition = '*' | number;

export interface Preconditions {
  ifMatch: Condition | undefined;
  ifNoneMatch: Condition | undefined;
}

export function parsePreconditions(headers: Headers): Preconditions {
  return {
    ifMatch: parseCondition(headers.get('If-Match'), 'If-Match'),
    ifNoneMatch: parseCondition(headers.get('If-None-Match'), 'If-None-Match'),
  };
}

function parseCondition(raw: string | null, name: string): Condition | undefined {
  if (raw === null) return undefined;
  const value = raw.trim().replace(/^W\//, '');
  if (value === '*') return '*';
  const timestamp = value.startsWith('"') ? parseTimestamp(value) : undefined;
  if (timestamp === undefined) {
    throw invalidParameter(
      'header',
      name,
      `Invalid value for ${name}: a timestamp between double quotes or * is expected`,
    );
  }
  return timestamp;
}

export function hasPreconditions(conditions: Preconditions): boolean {
  return conditions.ifMatch !== undefined || conditions.ifNoneMatch !== undefined;
}

/**
 * Checks the conditions against one record (`null` when the id is unknown or deleted).
 * A failed condition throws 412 on a write; on a read (GET and HEAD) `If-None-Match` that
 * still matches returns true instead: the answer is 304 Not Modified. `collectionTimestamp`
 * is read only when there is no record to describe.
 */
export async function checkRecord(
  conditions: Preconditions,
  record: StoredRecord | null,
  read: boolean,
  collectionTimestamp: () => Promise<number>,
): Promise<boolean> {
  const { ifMatch, ifNoneMatch } = conditions;
  const current = record?.last_modified;
  const existing = record ?? undefined;
  if (ifMatch !== undefined) {
    if (current === undefined || (ifMatch !== '*' && ifMatch !== current)) {
      throw modifiedMeanwhile(current ?? (await collectionTimestamp()), existing);
    }
  }
  if (ifNoneMatch !== undefined && current !== undefined) {
    if (ifNoneMatch === '*') throw modifiedMeanwhile(current, existing);
    if (current <= ifNoneMatch) {
      if (read) return true;
      throw modifiedMeanwhile(current, existing);
    }
  }
  return false;
}

/**
 * Checks the conditions against the collection timestamp (list reads, creations, bulk
 * deletion): 412 on a failed condition, or true for a read whose answer is 304.
 */
export function checkCollection(
  conditions: Preconditions,
  timestamp: number,
  read: boolean,
): boolean {
  const { ifMatch, ifNoneMatch } = conditions;
  if (typeof ifMatch === 'number' && ifMatch !== timestamp) throw modifiedMeanwhile(timestamp);
  if (typeof ifNoneMatch === 'number' && timestamp <= ifNoneMatch) {
    if (read) return true;
    throw modifiedMeanwhile(timestamp);
  }
  return false;
}
