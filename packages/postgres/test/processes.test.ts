import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_URL, query, skipPostgres, startScript, testSchema } from './helpers.js';

/**
 * Three app processes on one schema, written to and polled at once through all three: the
 * test of what several processes behind a load balancer must guarantee (see
 * `docs/deploying.md`). Writers create, update (`If-Match`, retried on 412) and delete
 * records of one user's collection, and increment a shared counter record; a poller per
 * process follows `_since` from ETag to ETag. Then every poller must have seen every change,
 * in strictly increasing timestamps, and no acknowledged write may be missing.
 */
const schema = testSchema();
const WRITE_FOR_MS = 8_000;
const WRITERS_PER_PROCESS = 2;
const AUTH = `Basic ${Buffer.from('alice:secret').toString('base64')}`;

interface Item {
  id: string;
  last_modified: number;
  deleted?: boolean;
  [field: string]: unknown;
}

interface Reply {
  status: number;
  etag: string | null;
  next: string | null;
  body: { data?: unknown };
}

async function call(
  url: string,
  method = 'GET',
  options: { data?: unknown; ifMatch?: string; auth?: string; permissions?: unknown } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { Authorization: options.auth ?? AUTH };
  if (options.data !== undefined) headers['Content-Type'] = 'application/json';
  if (options.ifMatch !== undefined) headers['If-Match'] = options.ifMatch;
  const response = await fetch(url, {
    method,
    headers,
    body:
      options.data === undefined
        ? undefined
        : JSON.stringify({ data: options.data, permissions: options.permissions }),
  });
  const text = await response.text();
  return {
    status: response.status,
    etag: response.headers.get('ETag'),
    next: response.headers.get('Next-Page'),
    body: text ? JSON.parse(text) : {},
  };
}

function expectStatus(reply: Reply, ...expected: number[]): void {
  if (!expected.includes(reply.status)) {
    throw new Error(`Unexpected ${reply.status}: ${JSON.stringify(reply.body)}`);
  }
}

const stamp = (etag: string | null) => Number(etag?.replaceAll('"', ''));
const pick = <T>(list: readonly T[]): T | undefined =>
  list[Math.floor(Math.random() * list.length)];

/** Everything the writers were told succeeded. */
const acknowledged = {
  creates: [] as string[],
  updates: 0,
  deletes: 0,
  increments: new Map<string, number>(),
  conflicts: 0,
  stamps: [] as number[],
  /** Acknowledged writes per process. */
  byProcess: new Map<string, number>(),
};

function acknowledge(base: string, lastModified: number): void {
  acknowledged.stamps.push(lastModified);
  acknowledged.byProcess.set(base, (acknowledged.byProcess.get(base) ?? 0) + 1);
}

async function increment(base: string, writer: string): Promise<void> {
  for (;;) {
    const current = await call(`${base}/notes/counter`);
    expectStatus(current, 200);
    const { total, by } = (current.body.data ?? {}) as {
      total: number;
      by: Record<string, number>;
    };
    const reply = await call(`${base}/notes/counter`, 'PATCH', {
      ifMatch: current.etag ?? '',
      data: { total: total + 1, by: { ...by, [writer]: (by[writer] ?? 0) + 1 } },
    });
    expectStatus(reply, 200, 412);
    if (reply.status === 200) {
      acknowledged.increments.set(writer, (acknowledged.increments.get(writer) ?? 0) + 1);
      acknowledge(base, stamp(reply.etag));
      return;
    }
    acknowledged.conflicts++;
  }
}

async function write(base: string, writer: string, until: number): Promise<void> {
  for (let n = 0; Date.now() < until; n++) {
    const roll = Math.random();
    if (roll < 0.4) {
      await increment(base, writer);
      continue;
    }
    if (roll < 0.65 || acknowledged.creates.length === 0) {
      const reply = await call(`${base}/notes`, 'POST', { data: { writer, n } });
      expectStatus(reply, 201);
      const { id, last_modified } = reply.body.data as Item;
      acknowledged.creates.push(id);
      acknowledge(base, last_modified);
      continue;
    }
    const id = pick(acknowledged.creates) ?? '';
    const current = await call(`${base}/notes/${id}`);
    expectStatus(current, 200, 404);
    if (current.status === 404) continue;
    const ifMatch = current.etag ?? '';
    const reply =
      roll < 0.85
        ? await call(`${base}/notes/${id}`, 'PATCH', { ifMatch, data: { touched: writer, n } })
        : await call(`${base}/notes/${id}`, 'DELETE', { ifMatch });
    expectStatus(reply, 200, 404, 412);
    if (reply.status === 412) acknowledged.conflicts++;
    if (reply.status !== 200) continue;
    if (roll < 0.85) acknowledged.updates++;
    else acknowledged.deletes++;
    acknowledge(base, (reply.body.data as Item).last_modified);
  }
}

/**
 * A client syncing with `_since`: its view of the collection, and the timestamp of every change
 * it learnt of, in the order it learnt of them.
 *
 * A first page is not bounded by its ETag, so it may bring changes newer than the ETag, which
 * the next poll brings again: those repeats are not new changes.
 */
function poller(base: string) {
  const view = new Map<string, Item>();
  const learnt: number[] = [];
  let since = '0';
  let polls = 0;
  let pages = 0;
  let repeats = 0;

  /** One poll, page after page; resolves to how many new changes it brought. */
  async function poll(): Promise<number> {
    let url: string | null = `${base}/notes?_sort=last_modified&_since=${since}`;
    let etag: string | null = null;
    let previous = Number(since);
    let count = 0;
    while (url) {
      const reply = await call(url);
      expectStatus(reply, 200);
      pages++;
      // Every page of one poll describes the collection as of its first page.
      if (etag !== null) expect(reply.etag).toBe(etag);
      etag = reply.etag;
      for (const item of reply.body.data as Item[]) {
        expect(item.last_modified).toBeGreaterThan(previous);
        previous = item.last_modified;
        if (view.get(item.id)?.last_modified === item.last_modified) {
          expect(item).toEqual(view.get(item.id));
          repeats++;
          continue;
        }
        learnt.push(item.last_modified);
        view.set(item.id, item);
        count++;
      }
      url = reply.next;
    }
    polls++;
    since = String(stamp(etag));
    return count;
  }

  return {
    view,
    learnt,
    poll,
    stats: () => ({ polls, pages, changes: learnt.length, repeats }),
  };
}

describe.skipIf(skipPostgres)('three app processes on one PostgreSQL schema', () => {
  const servers: ChildProcess[] = [];
  const bases: string[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      const server = startScript('test/fixtures/app-server.ts', [schema], { DATABASE_URL });
      servers.push(server);
      let output = '';
      server.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
      });
      bases.push(
        await new Promise<string>((resolve, reject) => {
          server.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
            output += chunk;
            const port = /listening (\d+)/.exec(output)?.[1];
            if (port) resolve(`http://127.0.0.1:${port}/v1`);
          });
          server.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
        }),
      );
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all(
      servers.map(async (server) => {
        if (server.exitCode !== null || server.signalCode !== null) return;
        server.kill('SIGTERM');
        await once(server, 'exit');
      }),
    );
  });

  it('pollers see every change in increasing order, and no acknowledged write is lost', async () => {
    const started = Date.now();
    const [first = ''] = bases;
    expectStatus(await call(`${first}/notes/counter`, 'PUT', { data: { total: 0, by: {} } }), 201);

    const pollers = bases.map(poller);
    let writing = true;
    const polling = pollers.map(async (client) => {
      while (writing) {
        await client.poll();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // Catch up once the writers are done: until a poll brings nothing new.
      while ((await client.poll()) > 0) {}
    });
    const until = Date.now() + WRITE_FOR_MS;
    await Promise.all(
      bases.flatMap((base, p) =>
        Array.from({ length: WRITERS_PER_PROCESS }, (_, w) => write(base, `w${p}${w}`, until)),
      ),
    );
    writing = false;
    await Promise.all(polling);

    const rows = (await query(
      `SELECT id, last_modified, deleted, data FROM "${schema}".records`,
    )) as Array<{ id: string; last_modified: string; deleted: boolean; data: object }>;
    const final = new Map(
      rows.map((row): [string, Item] => [
        row.id,
        row.deleted
          ? { id: row.id, last_modified: Number(row.last_modified), deleted: true }
          : { id: row.id, ...row.data, last_modified: Number(row.last_modified) },
      ]),
    );

    // No acknowledged write is lost or overwritten.
    const counter = final.get('counter') as Item & { total: number; by: Record<string, number> };
    const increments = [...acknowledged.increments.values()].reduce((a, b) => a + b, 0);
    expect(counter.total).toBe(increments);
    expect(counter.by).toEqual(Object.fromEntries(acknowledged.increments));
    for (const id of acknowledged.creates) expect(final.has(id), id).toBe(true);
    expect(new Set(acknowledged.stamps).size).toBe(acknowledged.stamps.length);

    for (const [i, client] of pollers.entries()) {
      // Each poller learnt of changes in strictly increasing timestamps, poll after poll: none
      // became visible with a timestamp below one it had already seen...
      for (let k = 1; k < client.learnt.length; k++) {
        expect(client.learnt[k], `poller ${i}, change ${k}`).toBeGreaterThan(
          client.learnt[k - 1] ?? 0,
        );
      }
      // ...and ends with exactly the final state: every change reached it.
      expect(client.view, `poller ${i}`).toEqual(final);
    }

    const stats = pollers.map((client) => client.stats());
    console.info(
      `3 processes, ${WRITERS_PER_PROCESS * 3} writers, ${Date.now() - started} ms:`,
      `${acknowledged.creates.length} creates, ${acknowledged.updates} updates,`,
      `${acknowledged.deletes} deletes, ${increments} counter increments,`,
      `${acknowledged.conflicts} conflicts (412);`,
      `pollers: ${stats.map((s) => `${s.polls} polls/${s.pages} pages/${s.changes} changes/${s.repeats} repeats`).join(', ')}`,
    );
    // The processes really worked at once: each wrote, and each poller polled many times.
    expect([...acknowledged.byProcess.keys()].sort()).toEqual([...bases].sort());
    expect(Math.min(...acknowledged.byProcess.values())).toBeGreaterThan(5);
    expect(Math.min(...stats.map((s) => s.polls))).toBeGreaterThan(5);
  }, 60_000);

  it('a record shared through one process is readable through the others at once', async () => {
    const [one = '', two = '', three = ''] = bases;
    const bob = `Basic ${Buffer.from('bob:secret').toString('base64')}`;
    const root = (await call(`${one}/`).then((reply) => reply.body)) as { user?: { id: string } };
    const alice = root.user?.id ?? '';
    const created = await call(`${one}/notes`, 'POST', {
      data: { text: 'for bob' },
      permissions: { read: ['system.Authenticated'] },
    });
    expectStatus(created, 201);
    const { id } = created.body.data as Item;
    const shared = await call(`${two}/users/${alice}/notes/${id}`, 'GET', { auth: bob });
    expectStatus(shared, 200);
    expect(shared.body.data).toMatchObject({ id, text: 'for bob' });
    // Taking the share back through the third process is seen by the second one too.
    const unshared = await call(`${three}/notes/${id}`, 'PATCH', {
      data: {},
      permissions: { read: [] },
    });
    expectStatus(unshared, 200);
    const refused = await call(`${two}/users/${alice}/notes/${id}`, 'GET', { auth: bob });
    expect([403, 404]).toContain(refused.status);
  });
});
