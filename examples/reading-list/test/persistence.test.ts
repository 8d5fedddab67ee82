import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readJson } from './read-json.js';
import { type RunningServer, startServer } from './start-server.js';

const directory = mkdtempSync(join(tmpdir(), 'reading-list-persistence-'));
const auth = { Authorization: `Basic ${Buffer.from('carol:pw').toString('base64')}` };
const running: RunningServer[] = [];

/** Starts `src/server.ts` on `database`; resolves to it and its `/v1/` URL. */
async function startOn(database: string): Promise<{ server: RunningServer; base: string }> {
  const server = await startServer({ DATABASE: database, USERID_HMAC_SECRET: 'persistence-test' });
  running.push(server);
  return { server, base: `${server.url}/v1/` };
}

afterAll(async () => {
  await Promise.all(running.map((server) => server.stop()));
  rmSync(directory, { recursive: true, force: true });
});

describe('the reading-list server on SQLite', () => {
  it('keeps articles, deletions and timestamps across a restart on the same file', async () => {
    const database = join(directory, 'reading-list.db');
    const first = await startOn(database);
    const post = (title: string, url: string) =>
      fetch(`${first.base}articles`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ data: { title, url } }),
      });
    const kept = await readJson(await post('Kept', 'https://example.com/kept'));
    const removed = await readJson(await post('Removed', 'https://example.com/removed'));
    const deletion = await fetch(`${first.base}articles/${removed.data.id}`, {
      method: 'DELETE',
      headers: auth,
    });
    expect(deletion.status).toBe(200);
    const etag = (await fetch(`${first.base}articles`, { headers: auth })).headers.get('ETag');
    expect(await first.server.stop()).toBe(0);

    const second = await startOn(database);
    const list = await fetch(`${second.base}articles`, { headers: auth });
    expect(list.headers.get('ETag')).toBe(etag);
    const body = await readJson(list);
    expect(body.data).toEqual([kept.data]);
    const since = (kept.data.last_modified as number) - 1;
    const changes = await readJson(
      await fetch(`${second.base}articles?_since=${since}`, { headers: auth }),
    );
    expect(changes.data.map((item: { id: string }) => item.id).sort()).toEqual(
      [kept.data.id, removed.data.id].sort(),
    );
    expect(changes.data).toContainEqual(
      expect.objectContaining({ id: removed.data.id, deleted: true }),
    );

    const another = await fetch(`${second.base}articles`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ data: { title: 'After', url: 'https://example.com/after' } }),
    });
    const created = await readJson(another);
    expect(created.data.last_modified).toBeGreaterThan(Number(etag?.replaceAll('"', '')));
    expect(await second.server.stop()).toBe(0);
  });
});
