/**
 * Checks the field names that clients put in filters, sorts and `_fields`.
 *
 * @module
 */
import { invalidParameter } from '../errors/index.js';
import type { Resource } from '../resource/define-resource.js';

/** A dotted field name: non-empty segments of word characters and `-`. */
const FIELD_PATTERN = /^[\w-]+(\.[\w-]+)*$/;

/**
 * Splits a dotted field name into its path, or throws 400 errno 107 when the name is malformed
 * or, for a resource with a schema, its first segment is not a field of the schema.
 */
export function fieldPath(resource: Resource, name: string, parameter: string): string[] {
  if (name.length > 256 || !FIELD_PATTERN.test(name)) {
    throw invalidParameter('querystring', parameter, `Invalid field name '${name}'`);
  }
  const path = name.split('.');
  const root = path[0] as string;
  if (resource.knownFields && !resource.knownFields.has(root)) {
    throw invalidParameter('querystring', parameter, `Unknown field '${name}'`);
  }
  return path;
}
