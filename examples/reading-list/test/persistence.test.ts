import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readJson } from './read-json.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'reading-list-persistence-'));
const auth = { Authorization: `Basic ${Buffer.from('carol:pw').toString('base64')}` };
const running: ChildProcess[] = [];

/** Starts `src/server.ts` on `database` and a free port; resolves to its `/v1/` URL. */
async function startServer(database: string): Promise<{ server: ChildProcess; base: string }> {
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      USERID_HMAC_SECRET: 'persistence-test',
      DATABASE: database,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(server);
  let output = '';
  server.stdout?.setEncoding('utf8');
  server.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const base = await new Promise<string>((resolve, reject) => {
    server.stdout?.on('data', (chunk: string) => {
      output += chunk;
      const match = /ready on (http:\/\/\S+\/v1\/)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    server.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
  return { server, base };
}

async function stop(server: ChildProcess): Promise<number | null> {
  if (server.exitCode !== null) return server.exitCode;
  server.kill('SIGTERM');
  const [code] = await once(server, 'exit');
  return code as number | null;
}

afterAll(async () => {
  await Promise.all(running.map(stop));
  rmSync(directory, { recursive: true, force: true });
});

describe('the reading-list server on SQLite', () => {
  it('keeps articles, deletions and timestamps across a restart on the same file', async () => {
    const database = join(directory, 'reading-list.db');
    const first = await startServer(database);
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
    expect(await stop(first.server)).toBe(0);

    const second = await startServer(database);
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
    expect(await stop(second.server)).toBe(0);
  });
});
