/**
 * The workloads, as autocannon requests for each protocol: the Kinto protocol (Pawl and the
 * bare stack answer the same requests) and the peer's Feathers REST API, whose nearest
 * equivalents are used where it has no counterpart (see `docs/benchmarks.md`).
 *
 * Each call builds fresh requests whose state (rotating ids, unique urls, the ETags a client
 * holds for `If-Match`) lasts through the warm-up and the measurement of one system.
 *
 * @module
 */
import type autocannon from 'autocannon';
import { articleAt, newArticle } from './articles.js';
import type { Probe } from './load.js';

export type Protocol = 'kinto' | 'feathers';

export interface Workload {
  readonly name: string;
  readonly kind: 'read' | 'write';
  /** The status every response should have. */
  readonly expect: number;
  readonly requests: autocannon.Request[];
}

/** What the requests of one system need to know about its data. */
export interface Fixture {
  readonly protocol: Protocol;
  /** The `Authorization` header of the one user. */
  readonly authorization: string;
  readonly size: number;
  /** `last_modified` of the oldest prepared article. */
  readonly base: number;
  /** A page 90% deep into the collection, newest first, 25 records long. */
  readonly deepPath: string;
}

export const BATCH_SIZE = 25;
const PATCH_POOL = 1000;
/** Query strings of the peer, with `$` and brackets encoded. */
const q = (query: string) =>
  query.replaceAll('$', '%24').replaceAll('[', '%5B').replaceAll(']', '%5D');

function rotating(size: number, base: number): () => string {
  let k = 0;
  return () => {
    k += 1;
    return articleAt((k * 7919 + 13) % size, base).id;
  };
}

function header(headers: autocannon.Request['headers'], name: string): string | undefined {
  const found = Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return found ? String(found[1]) : undefined;
}

export function workloads(fixture: Fixture): Workload[] {
  const { protocol, size, base } = fixture;
  const kinto = protocol === 'kinto';
  const headers = { authorization: fixture.authorization, 'content-type': 'application/json' };
  const collection = kinto ? '/v1/articles' : '/articles';
  const nextId = rotating(size, base);
  let created = 0;
  const article = () => newArticle(created++, 'created');
  const newest = base + size - 1;

  const get: autocannon.Request = {
    method: 'GET',
    headers,
    setupRequest: (request) => ({ ...request, path: `${collection}/${nextId()}` }),
  };
  const list = kinto
    ? `${collection}?unread=true&_sort=-stored_on&_limit=25`
    : `${collection}?${q('unread=true&$sort[stored_on]=-1&$limit=25')}`;
  const since = kinto
    ? `${collection}?_since=${newest - 10}`
    : `${collection}?${q(`last_modified[$gt]=${newest - 10}&$sort[last_modified]=-1&$limit=25`)}`;
  const poll: autocannon.Request = kinto
    ? {
        method: 'GET',
        path: `${collection}?_limit=25`,
        headers: { ...headers, 'if-none-match': `"${newest}"` },
      }
    : {
        method: 'GET',
        path: `${collection}?${q(`last_modified[$gt]=${newest}&$limit=25`)}`,
        headers,
      };
  const create: autocannon.Request = {
    method: 'POST',
    path: collection,
    headers,
    setupRequest: (request) => ({
      ...request,
      body: JSON.stringify(kinto ? { data: article() } : article()),
    }),
  };
  const batch: autocannon.Request = {
    method: 'POST',
    path: kinto ? '/v1/batch' : collection,
    headers,
    setupRequest: (request) => {
      const bodies = Array.from({ length: BATCH_SIZE }, () => article());
      const body = kinto
        ? {
            defaults: { method: 'POST', path: '/articles' },
            requests: bodies.map((data) => ({ body: { data } })),
          }
        : bodies;
      return { ...request, body: JSON.stringify(body) };
    },
  };

  return [
    { name: 'GET one record', kind: 'read', expect: 200, requests: [get] },
    {
      name: 'list page (filtered, sorted)',
      kind: 'read',
      expect: 200,
      requests: [{ method: 'GET', path: list, headers }],
    },
    {
      name: 'deep page (90%)',
      kind: 'read',
      expect: 200,
      requests: [{ method: 'GET', path: fixture.deepPath, headers }],
    },
    {
      name: '_since poll (10 changes)',
      kind: 'read',
      expect: 200,
      requests: [{ method: 'GET', path: since, headers }],
    },
    { name: 'unchanged poll', kind: 'read', expect: kinto ? 304 : 200, requests: [poll] },
    { name: 'POST create', kind: 'write', expect: 201, requests: [create] },
    {
      name: 'PATCH (If-Match)',
      kind: 'write',
      expect: 200,
      requests: [patchRequest(fixture, headers)],
    },
    {
      name: `batch of ${BATCH_SIZE} creates`,
      kind: 'write',
      expect: kinto ? 200 : 201,
      requests: [batch],
    },
  ];
}

/** A read of one record: it waits for the writes queued before it, on every system. */
export function probe(fixture: Fixture): Probe {
  const collection = fixture.protocol === 'kinto' ? '/v1/articles' : '/articles';
  const { id } = articleAt(0, fixture.base);
  return { path: `${collection}/${id}`, headers: { authorization: fixture.authorization } };
}

/**
 * PATCHes of records from a pool, each sent with the ETag the client last got for it (Kinto),
 * the record going back to the pool with its new ETag once answered. The peer has no
 * conditional writes: its PATCHes go without one.
 */
function patchRequest(fixture: Fixture, headers: { [name: string]: string }): autocannon.Request {
  const { size, base, protocol } = fixture;
  const first = Math.floor(size / 2);
  const pool = Array.from({ length: Math.min(PATCH_POOL, size - first) }, (_, i) => {
    const { id, last_modified } = articleAt(first + i, base);
    return { id, etag: `"${last_modified}"` };
  });
  let position = 100;
  const kinto = protocol === 'kinto';
  return {
    method: 'PATCH',
    headers,
    setupRequest: (request) => {
      const item = pool.shift() ?? { id: 'exhausted', etag: '"0"' };
      if (!kinto) pool.push(item);
      position += 1;
      const changes = { read_position: position };
      return {
        ...request,
        path: `${kinto ? '/v1/articles' : '/articles'}/${item.id}`,
        headers: kinto ? { ...headers, 'if-match': item.etag } : headers,
        body: JSON.stringify(kinto ? { data: changes } : changes),
      };
    },
    onResponse: (status, body, _context, responseHeaders) => {
      const etag = header(responseHeaders, 'etag');
      if (!kinto || status !== 200 || !etag) return;
      pool.push({ id: (JSON.parse(body) as { data: { id: string } }).data.id, etag });
    },
  };
}
