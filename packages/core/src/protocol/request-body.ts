/**
 * Reading request bodies: JSON only (415 otherwise), bounded in size (413), parsed
 * strictly (400 errno 106), within the limits of `json-limits.ts` and shaped as
 * `{ data, permissions }` (400 errno 109).
 *
 * @module
 */
import { ERRNO, HttpError, invalidPostedData } from '../errors/index.js';
import type { JsonValue, RecordFields } from '../storage/types.js';
import { jsonLimitViolation } from './json-limits.js';

const JSON_TYPE = /^application\/([\w.+-]+\+)?json$|^application\/merge-patch\+json$/;

export function tooLarge(maxBytes: number): HttpError {
  return new HttpError({
    code: 413,
    errno: ERRNO.REQUEST_TOO_LARGE,
    message: `Request body exceeds the limit of ${maxBytes} bytes`,
  });
}

/** The media type of the request, lowercased, without parameters (`''` when absent). */
export function mediaType(headers: Headers): string {
  return (headers.get('Content-Type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Reads and parses the JSON body; `undefined` when the request has none. Streams the body so
 * that a large upload is cut off at `maxBytes`, with or without `Content-Length`.
 */
export async function readJsonBody(
  request: Request,
  maxBytes: number,
): Promise<JsonValue | undefined> {
  const declared = request.headers.get('Content-Length');
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  const text = await readText(request, maxBytes);
  if (text.trim() === '') return undefined;
  if (!JSON_TYPE.test(mediaType(request.headers))) {
    throw new HttpError({
      code: 415,
      errno: ERRNO.INVALID_PARAMETERS,
      message: 'Content-Type must be application/json',
      details: [
        { location: 'header', name: 'Content-Type', description: 'Unsupported media type' },
      ],
    });
  }
  let body: JsonValue;
  try {
    body = JSON.parse(text) as JsonValue;
  } catch {
    throw new HttpError({
      code: 400,
      errno: ERRNO.BADJSON,
      message: 'Invalid JSON in request body',
      details: [{ location: 'body', name: '', description: 'Invalid JSON' }],
    });
  }
  const violation = jsonLimitViolation(body);
  if (violation) throw invalidPostedData([{ location: 'body', name: '', description: violation }]);
  return body;
}

async function readText(request: Request, maxBytes: number): Promise<string> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks));
}

export interface RequestEnvelope {
  data: RecordFields | undefined;
  permissions: { [permission: string]: string[] } | undefined;
}

/** Checks the `{ data, permissions }` shape of a write body. */
export function parseEnvelope(
  body: JsonValue | undefined,
  permissionNames: readonly string[],
): RequestEnvelope {
  if (body === undefined) return { data: undefined, permissions: undefined };
  if (!isObject(body)) {
    throw invalidPostedData([
      { location: 'body', name: '', description: 'The body must be a JSON object' },
    ]);
  }
  for (const key of Object.keys(body)) {
    if (key !== 'data' && key !== 'permissions') {
      throw invalidPostedData([
        {
          location: 'body',
          name: key,
          description: 'Unknown attribute: only data and permissions are accepted',
        },
      ]);
    }
  }
  const { data, permissions } = body;
  if (data !== undefined && !isObject(data)) {
    throw invalidPostedData([
      { location: 'body', name: 'data', description: 'data must be a JSON object' },
    ]);
  }
  return {
    data,
    permissions:
      permissions === undefined ? undefined : parsePermissions(permissions, permissionNames),
  };
}

const MAX_PRINCIPALS = 1_000;
const MAX_PRINCIPAL_LENGTH = 256;

/** `{ read: [principals], write: [...], '<child>:create': [...] }` with known permission names only. */
function parsePermissions(
  value: JsonValue,
  names: readonly string[],
): { [permission: string]: string[] } {
  const refuse = (name: string, description: string) =>
    invalidPostedData([{ location: 'body', name, description }]);
  if (!isObject(value)) throw refuse('permissions', 'permissions must be a JSON object');
  const result: { [permission: string]: string[] } = {};
  for (const [permission, principals] of Object.entries(value)) {
    const name = `permissions.${permission}`;
    if (!names.includes(permission)) {
      throw refuse(name, `Unknown permission: expected one of ${names.join(', ')}`);
    }
    const valid =
      Array.isArray(principals) &&
      principals.length <= MAX_PRINCIPALS &&
      principals.every(
        (item) =>
          typeof item === 'string' && item.trim() !== '' && item.length <= MAX_PRINCIPAL_LENGTH,
      );
    if (!valid) throw refuse(name, 'A list of principals (non-empty strings) is expected');
    result[permission] = [...new Set(principals as string[])];
  }
  return result;
}

export function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
