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

/** Thrown to answer 304: nothing changed since the client's copy. */
export class NotModified extends Error {
  constructor(readonly timestamp: number) {
    super('Not Modified');
    this.name = 'NotModified';
  }
}

/**
 * Checks the conditions against one record (`null` when the id is unknown or deleted).
 * `read` is true for GET and HEAD, which answer 304 where writes answer 412.
 */
export function checkRecord(
  conditions: Preconditions,
  record: StoredRecord | null,
  read: boolean,
  collectionTimestamp: number,
): void {
  const { ifMatch, ifNoneMatch } = conditions;
  const current = record?.last_modified;
  const existing = record ?? undefined;
  if (ifMatch !== undefined) {
    if (current === undefined || (ifMatch !== '*' && ifMatch !== current)) {
      throw modifiedMeanwhile(current ?? collectionTimestamp, existing);
    }
  }
  if (ifNoneMatch !== undefined && current !== undefined) {
    if (ifNoneMatch === '*') throw modifiedMeanwhile(current, existing);
    if (current <= ifNoneMatch) {
      throw read ? new NotModified(current) : modifiedMeanwhile(current, existing);
    }
  }
}

/** Checks the conditions against the collection timestamp (list reads, creations, bulk deletion). */
export function checkCollection(conditions: Preconditions, timestamp: number, read: boolean): void {
  const { ifMatch, ifNoneMatch } = conditions;
  if (typeof ifMatch === 'number' && ifMatch !== timestamp) throw modifiedMeanwhile(timestamp);
  if (typeof ifNoneMatch === 'number' && timestamp <= ifNoneMatch) {
    throw read ? new NotModified(timestamp) : modifiedMeanwhile(timestamp);
  }
}
