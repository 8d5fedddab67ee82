/**
 * The bare stack, the benchmark's ceiling: Hono on @hono/node-server and better-sqlite3, no
 * framework. It answers the benchmarked requests of the reading list with the JSON and the
 * SQL that Pawl uses (see `bare-sql.ts`), on a file in `@pawl/sqlite`'s layout: Basic auth
 * (HMAC user ids, cached), ETags and `If-None-Match`, `If-Match`, pagination tokens,
 * `Total-Records`, a minimal check of posted fields and the `url` uniqueness check.
 *
 *   PORT=8001 DATABASE=bare.db USERID_HMAC_SECRET=... npx tsx bench/http/bare-server.ts
 *
 * @module
 */
import { createHmac, randomInt } from 'node:crypto';
import { serve } from '@hono/node-server';
import Database from 'better-sqlite3';
import { type Context, Hono } from 'hono';
import { type ArticleFields, articleId } from './articles.js';
import { prepareStatements, type Row } from './bare-sql.js';
import { checkArticle, HttpProblem } from './bare-validation.js';

const RESOURCE = 'articles';
const MAX_PAGE = 10_000;
const secret = process.env.USERID_HMAC_SECRET ?? '';
const db = new Database(process.env.DATABASE ?? 'bare.db');
db.pragma('busy_timeout = 5000');
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
const sql = prepareStatements(db);

type StoredArticle = ArticleFields & { id: string; last_modified: number };
type Json = { [key: string]: unknown };

const users = new Map<string, string>();
function userOf(c: Context): string {
  const header = c.req.header('Authorization');
  if (!header?.startsWith('Basic ')) throw new HttpProblem(401, 'Please authenticate yourself');
  let user = users.get(header);
  if (!user) {
    const credentials = Buffer.from(header.slice(6), 'base64').toString('utf8');
    user = `basicauth:${createHmac('sha256', secret).update(credentials).digest('hex')}`;
    if (users.size >= 1024) users.clear();
    users.set(header, user);
  }
  return user;
}

function toRecord(row: Row): StoredArticle {
  return { id: row.id, ...JSON.parse(row.data), last_modified: row.last_modified };
}

function timestamp(user: string): number {
  return sql.timestamp.get(RESOURCE, user)?.last_modified ?? 0;
}

function etag(value: number): { ETag: string; 'Last-Modified': string } {
  return { ETag: `"${value}"`, 'Last-Modified': new Date(value).toUTCString() };
}

function quoted(header: string | undefined): number | undefined {
  return header === undefined ? undefined : Number(header.replaceAll('"', ''));
}

function token(after: unknown[], snapshot: number, total: number, sort: string): string {
  const payload = { a: after, s: snapshot, t: total, k: sort };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

/** Counts of live records, remembered under the collection timestamp, as Pawl does. */
const counts = new Map<string, number>();
function countOnce(kind: string, at: number, count: () => number): number {
  const key = `${kind} ${at}`;
  let known = counts.get(key);
  if (known === undefined) {
    if (counts.size >= 1000) counts.clear();
    known = count();
    counts.set(key, known);
  }
  return known;
}

function listPage(c: Context, user: string): Response {
  const query = c.req.query();
  const limit = Math.min(Number(query._limit ?? MAX_PAGE), MAX_PAGE);
  const current = timestamp(user);
  const unchanged = quoted(c.req.header('If-None-Match'));
  if (unchanged !== undefined && current <= unchanged) return c.body(null, 304, etag(current));
  let snapshot = current;
  let total: number;
  let rows: Row[];
  let sort = '-last_modified,id';
  const lists = sql.lists(limit + 1);
  if (query._since !== undefined) {
    const since = Number(query._since);
    total = sql.countSince.get(RESOURCE, user, since)?.count ?? 0;
    rows = lists.listSince.all(RESOURCE, user, since);
  } else if (query._token !== undefined) {
    const { a, s, t } = JSON.parse(Buffer.from(query._token, 'base64url').toString('utf8'));
    const [lastModified, id] = a as [number, string];
    snapshot = s as number;
    total = t as number;
    rows = lists.listAfter.all(
      RESOURCE,
      user,
      snapshot,
      lastModified,
      lastModified,
      lastModified,
      id,
    );
  } else if (query.unread === 'true' && query._sort === '-stored_on') {
    sort = '-stored_on,-last_modified,id';
    total = countOnce('unread', current, () => sql.countUnread.get(RESOURCE, user)?.count ?? 0);
    rows = lists.listUnread.all(RESOURCE, user);
  } else {
    total = countOnce('all', current, () => sql.count.get(RESOURCE, user)?.count ?? 0);
    rows = lists.list.all(RESOURCE, user);
  }
  const page = rows.slice(0, limit).map(toRecord);
  const headers: { [name: string]: string } = { ...etag(snapshot), 'Total-Records': String(total) };
  const last = page.at(-1);
  if (rows.length > limit && last) {
    const after = sort.startsWith('-stored_on')
      ? [last.stored_on, last.last_modified, last.id]
      : [last.last_modified, last.id];
    const next = new URL(c.req.url);
    next.searchParams.set('_limit', String(limit));
    next.searchParams.set('_token', token(after, snapshot, total, sort));
    headers['Next-Page'] = next.toString();
  }
  return c.json({ data: page }, 200, headers);
}

function checkUnique(user: string, record: StoredArticle): void {
  const same = sql.sameUrl.all(RESOURCE, user, record.url);
  if (same.some((row) => row.id !== record.id)) throw new HttpProblem(409, 'Conflict of field url');
}

/** Stores the fields under a fresh timestamp, as the Pawl storage's `put` does. */
function store(user: string, fields: ArticleFields, id: string): StoredArticle {
  const current = timestamp(user);
  const lastModified = Math.max(Date.now(), current + 1);
  sql.writeTimestamp.run(RESOURCE, user, lastModified, lastModified);
  const data = JSON.stringify(fields);
  sql.put.run(RESOURCE, user, id, lastModified, data, lastModified, data);
  return { id, ...fields, last_modified: lastModified };
}

let serial = randomInt(2 ** 40);
function create(user: string, posted: unknown): StoredArticle {
  timestamp(user);
  const fields = checkArticle({ ...(posted as Json), stored_on: Date.now() });
  const id = articleId(serial++, Date.now());
  checkUnique(user, { ...fields, id, last_modified: 0 });
  return store(user, fields, id);
}

function patch(
  user: string,
  id: string,
  changes: unknown,
  ifMatch: number | undefined,
): StoredArticle {
  const row = sql.get.get(RESOURCE, user, id);
  if (!row) throw new HttpProblem(404, 'Record not found');
  timestamp(user);
  if (ifMatch !== undefined && ifMatch !== row.last_modified) {
    throw new HttpProblem(412, 'Resource was modified meanwhile');
  }
  const existing = toRecord(row);
  const { id: _id, last_modified: _lastModified, ...current } = existing;
  const fields = checkArticle({ ...current, ...(changes as Json) });
  if (JSON.stringify(fields) === row.data) return existing;
  checkUnique(user, { ...fields, id, last_modified: 0 });
  return store(user, fields, id);
}

async function body(c: Context): Promise<Json> {
  const parsed: unknown = await c.req.json();
  if (typeof parsed !== 'object' || parsed === null) throw new HttpProblem(400, 'Invalid JSON');
  return parsed as Json;
}

const app = new Hono();
app.get('/v1/', (c) => c.json({ project_name: 'bare' }));
app.get('/v1/articles', (c) => listPage(c, userOf(c)));
app.get('/v1/articles/:id', (c) => {
  const user = userOf(c);
  const row = sql.get.get(RESOURCE, user, c.req.param('id'));
  timestamp(user);
  if (!row) throw new HttpProblem(404, 'Record not found');
  const record = toRecord(row);
  const result = { data: record, permissions: { write: [user] } };
  return c.json(result, 200, etag(record.last_modified));
});
app.post('/v1/articles', async (c) => {
  const user = userOf(c);
  const { data } = await body(c);
  const record = db.transaction(() => create(user, data)).immediate();
  return c.json({ data: record, permissions: { write: [user] } }, 201);
});
app.patch('/v1/articles/:id', async (c) => {
  const user = userOf(c);
  const { data } = await body(c);
  const ifMatch = quoted(c.req.header('If-Match'));
  const id = c.req.param('id');
  const record = db.transaction(() => patch(user, id, data, ifMatch)).immediate();
  return c.json({ data: record, permissions: { write: [user] } }, 200, etag(record.last_modified));
});
app.post('/v1/batch', async (c) => {
  const user = userOf(c);
  const { defaults, requests } = await body(c);
  const shared = ((defaults as Json | undefined)?.body ?? {}) as Json;
  const responses = db
    .transaction(() =>
      (requests as { body: Json }[]).map(({ body: own }) => {
        try {
          const data = { ...(shared.data as Json), ...(own.data as Json) };
          const result = { data: create(user, data), permissions: { write: [user] } };
          return { status: 201, path: '/v1/articles', body: result, headers: {} };
        } catch (error) {
          if (!(error instanceof HttpProblem)) throw error;
          return { status: error.status, path: '/v1/articles', body: error.json(), headers: {} };
        }
      }),
    )
    .immediate();
  return c.json({ responses });
});
app.onError((error, c) => {
  if (error instanceof HttpProblem) return c.json(error.json(), error.status);
  console.error(error);
  return c.json({ code: 500, message: 'Internal error' }, 500);
});

const server = serve({
  fetch: app.fetch,
  port: Number(process.env.PORT ?? 8001),
  hostname: process.env.HOST ?? '127.0.0.1',
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () =>
    server.close(() => {
      db.close();
      process.exit(0);
    }),
  );
}
