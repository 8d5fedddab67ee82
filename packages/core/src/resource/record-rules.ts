/**
 * The rules a record must follow before it is stored: the resource schema (400 errno 109),
 * read-only fields (400 errno 109) and unique fields (409 errno 122).
 *
 * @module
 */
import * as v from 'valibot';
import { ERRNO, type ErrorDetail, HttpError, invalidPostedData } from '../errors/index.js';
import { getPath, jsonEquals } from '../storage/json-order.js';
import type {
  CollectionRef,
  JsonValue,
  RecordFields,
  StorageSession,
  StoredRecord,
} from '../storage/types.js';
import type { Resource } from './define-resource.js';

/** Validates the fields against the schema and returns its output (defaults applied). */
export function validateFields(resource: Resource, fields: RecordFields): RecordFields {
  if (!resource.schema) return fields;
  const result = v.safeParse(resource.schema, fields);
  if (result.success) return result.output as RecordFields;
  throw invalidPostedData(result.issues.map(toDetail));
}

function toDetail(issue: v.BaseIssue<unknown>): ErrorDetail {
  const path = issue.path?.map((item) => String(item.key)).join('.') ?? '';
  return { location: 'body', name: path === '' ? 'data' : path, description: issue.message };
}

/**
 * Refuses read-only fields that a client sets on creation (`existing` is `null`) or changes
 * on an update.
 */
export function checkReadonly(
  resource: Resource,
  incoming: RecordFields,
  existing: StoredRecord | null,
): void {
  const details: ErrorDetail[] = [];
  for (const field of resource.readonly) {
    const path = field.split('.');
    const value = getPath(incoming, path);
    if (value === undefined) continue;
    const current = existing ? getPath(existing, path) : undefined;
    if (current === undefined || !jsonEquals(value, current)) {
      details.push({
        location: 'body',
        name: field,
        description: `Cannot modify ${field}: it is read-only`,
      });
    }
  }
  if (details.length > 0) throw invalidPostedData(details);
}

function isEmpty(value: JsonValue | undefined): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

/**
 * Throws 409 when another live record of the collection holds the same non-empty value of a
 * unique field. The conflicting record is named only when `reveal` says the caller may read
 * the whole collection.
 */
export async function checkUnique(
  session: StorageSession,
  collection: CollectionRef,
  resource: Resource,
  record: RecordFields & { id: string },
  reveal: boolean,
): Promise<void> {
  for (const field of resource.unique) {
    const path = field.split('.');
    const value = getPath(record, path);
    if (isEmpty(value)) continue;
    const matches = await session.list(collection, {
      filters: [{ path, operator: 'eq', value: value as JsonValue }],
      // Ordered by the field itself, so that an index declared on it serves the lookup.
      sort: [
        { path, direction: 'asc' },
        { path: ['id'], direction: 'asc' },
      ],
      limit: 2,
    });
    const other = matches.find((item) => item.id !== record.id);
    if (other) {
      throw new HttpError({
        code: 409,
        errno: ERRNO.CONSTRAINT_VIOLATED,
        message: reveal
          ? `Conflict of field ${field} on record ${other.id}`
          : `Conflict of field ${field}: another record has this value`,
        details: reveal ? { field, existing: other } : { field },
      });
    }
  }
}
