/**
 * Shared fixtures for the HTTP-level tests: an app with a schema'd `articles` resource
 * (the reading-list one), a schemaless `notes` resource, Basic auth headers and a small
 * request helper around Hono's in-process `app.request()`.
 *
 * @module
 */
import { createHmac } from 'node:crypto';
import type { Hono } from 'hono';
import * as v from 'valibot';
import {
  type CreateAppOptions,
  createApp,
  defineResource,
  type Resource,
  type Settings,
  type StorageBackend,
} from '../src/index.js';

/** Any JSON the API returns: tests read response bodies and stored records freely. */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
export type Json = any;

export const SECRET = 'test-hmac-secret';

/** The `Authorization` header for HTTP Basic credentials. */
export function basic(user: string, password = 'secret'): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export const ALICE = basic('alice');
export const BOB = basic('bob');

/** The user id the default Basic auth policy derives from credentials. */
export function basicUserId(user: string, password = 'secret'): string {
  return `basicauth:${createHmac('sha256', SECRET).update(`${user}:${password}`).digest('hex')}`;
}

const httpUrl = v.pipe(
  v.string(),
  v.url('must be an absolute URL'),
  v.regex(/^https?:\/\//i, 'must be http(s)'),
);
const count = v.pipe(
  v.number(),
  v.integer('must be an integer'),
  v.minValue(0, 'must be 0 or more'),
);

export const articleSchema = v.strictObject({
  title: v.pipe(v.string(), v.minLength(1), v.maxLength(1024)),
  url: httpUrl,
  unread: v.optional(v.boolean(), true),
  favorite: v.optional(v.boolean(), false),
  read_position: v.optional(count, 0),
  word_count: v.optional(count),
  excerpt: v.optional(v.string()),
  tags: v.optional(v.array(v.string())),
  author: v.optional(v.strictObject({ name: v.string(), url: v.optional(httpUrl) })),
  stored_on: v.optional(v.pipe(v.number(), v.integer())),
});

export interface TestAppOptions {
  settings?: Partial<Settings>;
  allowCollectionDelete?: boolean;
  /** Default: in memory. */
  storage?: StorageBackend;
}

/** An app serving `articles` (schema, unique url, read-only stored_on) and `notes` (schemaless). */
export function makeApp(options: TestAppOptions = {}): Hono {
  const articles = defineResource({
    name: 'articles',
    schema: articleSchema,
    unique: ['url'],
    readonly: ['stored_on'],
    allowCollectionDelete: options.allowCollectionDelete,
    hooks: { beforeCreate: (record) => ({ ...record, stored_on: 1_700_000_000_000 }) },
  });
  const notes = defineResource({
    name: 'notes',
    allowCollectionDelete: options.allowCollectionDelete,
  });
  return createApp({
    project: { name: 'test', version: '0.0.1' },
    httpApiVersion: '1.0',
    resources: [articles, notes],
    userIdHmacSecret: SECRET,
    settings: options.settings,
    backends: options.storage ? { storage: options.storage } : undefined,
    logError: () => {},
  });
}

/** An app serving only `resources`, with the test secret; `backends` and `logError` as given. */
export function appServing(
  resources: Resource[],
  options: Pick<CreateAppOptions, 'backends' | 'logError'> = {},
): Hono {
  return createApp({
    project: { name: 'test', version: '0.0.1' },
    httpApiVersion: '1.0',
    resources,
    userIdHmacSecret: SECRET,
    ...options,
  });
}

export interface CallOptions {
  /** A JSON-serialisable body, sent as `application/json`; or a raw string/bytes with `headers`. */
  body?: unknown;
  raw?: RequestInit['body'];
  headers?: Record<string, string>;
  /** The `Authorization` header; `null` sends none. Default: Alice. */
  auth?: string | null;
}

export interface CallResult {
  status: number;
  headers: Headers;
  body: Json;
  text: string;
}

/** One request through `app.request()`; the body is parsed as JSON when there is one. */
export async function call(
  app: Hono,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<CallResult> {
  const headers: Record<string, string> = {};
  const auth = options.auth === undefined ? ALICE : options.auth;
  if (auth !== null) headers.Authorization = auth;
  let body: RequestInit['body'] = options.raw;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  Object.assign(headers, options.headers);
  const response = await app.request(path, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = null;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

let counter = 0;

/** Valid article fields with a fresh unique URL. */
export function article(fields: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  return { title: `Article ${counter}`, url: `https://example.com/${counter}`, ...fields };
}

/** Creates an article through POST and returns the stored record. */
export async function createArticle(
  app: Hono,
  fields: Record<string, unknown> = {},
  auth: string = ALICE,
): Promise<Json> {
  const response = await call(app, 'POST', '/v1/articles', {
    body: { data: article(fields) },
    auth,
  });
  if (response.status !== 201)
    throw new Error(`create failed: ${response.status} ${response.text}`);
  return response.body.data;
}

/** Creates a schemaless note through POST and returns the stored record. */
export async function createNote(
  app: Hono,
  fields: Record<string, unknown>,
  auth: string = ALICE,
): Promise<Json> {
  const response = await call(app, 'POST', '/v1/notes', { body: { data: fields }, auth });
  if (response.status !== 201)
    throw new Error(`create failed: ${response.status} ${response.text}`);
  return response.body.data;
}

/** The ids of a list response, in order. */
export function ids(result: CallResult): string[] {
  return (result.body.data as Array<{ id: string }>).map((item) => item.id);
}

/** The quoted ETag value as a number. */
export function etagOf(result: CallResult): number {
  const etag = result.headers.get('ETag');
  if (!etag) throw new Error('no ETag');
  return Number(JSON.parse(etag));
}

/** Whether the body is the error envelope `{code, errno, error, message}` matching the status. */
export function isEnvelope(result: CallResult): boolean {
  const body = result.body;
  return (
    typeof body === 'object' &&
    body !== null &&
    body.code === result.status &&
    typeof body.errno === 'number' &&
    typeof body.error === 'string' &&
    typeof body.message === 'string'
  );
}

/** Follows `Next-Page` from `path` and returns every page's body data, in order. */
export async function walkPages(
  app: Hono,
  path: string,
  auth: string = ALICE,
  between?: (page: number) => Promise<void>,
): Promise<{ pages: Json[][]; urls: string[] }> {
  const pages: Json[][] = [];
  const urls: string[] = [];
  let next: string | null = path;
  while (next !== null) {
    const response = await call(app, 'GET', next, { auth });
    if (response.status !== 200)
      throw new Error(`page failed: ${response.status} ${response.text}`);
    pages.push(response.body.data);
    next = response.headers.get('Next-Page');
    if (next !== null) {
      urls.push(next);
      if (between) await between(pages.length);
    }
  }
  return { pages, urls };
}
