/**
 * What an endpoint handler receives and returns. Handlers know HTTP meaning but not Hono:
 * the router builds an `EndpointRequest`, the handler returns an `EndpointResponse`.
 *
 * @module
 */
import type { Settings } from '../app/settings.js';
import type { CollectionAccess, CollectionPlace } from '../permission/access.js';
import type { PermissionBackend } from '../permission/types.js';
import type { RequestUser, Resource } from '../resource/define-resource.js';
import type { CollectionRef, JsonValue, StorageBackend } from '../storage/types.js';
import type { RecordCounts } from './record-counts.js';

export interface EndpointRequest {
  method: string;
  url: URL;
  headers: Headers;
  /** The caller, `null` when anonymous. */
  user: RequestUser | null;
  /** Every principal of the caller (`system.Everyone` alone for an anonymous one). */
  principals: string[];
  /** The parsed JSON body, `undefined` when there is none. */
  body: JsonValue | undefined;
}

export interface EndpointContext {
  resource: Resource;
  /** Resources nested directly under this one. */
  children: readonly Resource[];
  /** Resources nested directly under the named one (for cascading deletions). */
  childrenOf: (resource: string) => readonly Resource[];
  storage: StorageBackend;
  /** `Total-Records` of list pages. */
  counts: RecordCounts;
  permission: PermissionBackend;
  settings: Settings;
  collection: CollectionRef;
  /** The collection's place in the permission tree. */
  place: CollectionPlace;
  /** What the collection itself lets the caller do. */
  access: CollectionAccess;
  /** The `WWW-Authenticate` challenge for 401 answers. */
  challenge: string;
  /** Makes ids for records posted without one. */
  generateId: () => string;
  /** Work to run once the request's writes are committed (the `after*` hooks). */
  afterCommit: Array<() => Promise<void> | void>;
}

/** Which CORS `Access-Control-Expose-Headers` set applies to the response. */
export type ExposedHeaders = 'list' | 'record' | 'write';

export interface EndpointResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
  expose: ExposedHeaders;
}

/** `ETag` and `Last-Modified` for a timestamp. */
export function timestampHeaders(timestamp: number): Record<string, string> {
  return { ETag: `"${timestamp}"`, 'Last-Modified': new Date(timestamp).toUTCString() };
}

/**
 * 304: nothing changed since the client's copy, whose ETag is `timestamp`. It exposes the
 * short header list of writes and errors, as the protocol's reference server does.
 */
export function notModified(timestamp: number): EndpointResponse {
  return { status: 304, body: null, headers: timestampHeaders(timestamp), expose: 'write' };
}
