import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJson } from './read-json.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'reading-list-server-'));
let server: ChildProcess;
let base = '';

/** Starts `src/server.ts` the way `pnpm start` does, on a free port, and waits for its ready line. */
beforeAll(async () => {
  server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      USERID_HMAC_SECRET: 'server-test',
      DATABASE: join(directory, 'server.db'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stdout?.setEncoding('utf8');
  server.stderr?.setEncoding('utf8');
  server.stderr?.on('data', (chunk: string) => {
    output += chunk;
  });
  base = await new Promise<string>((resolve, reject) => {
    server.stdout?.on('data', (chunk: string) => {
      output += chunk;
      const match = /ready on (http:\/\/\S+\/v1\/)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    server.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
});

afterAll(async () => {
  if (server.exitCode === null) {
    server.kill('SIGTERM');
    await once(server, 'exit');
  }
  rmSync(directory, { recursive: true, force: true });
});

describe('the reading-list server', () => {
  it('logs one ready line and answers the hello endpoint', async () => {
    const response = await fetch(base);
    expect(response.status).toBe(200);
    expect(await readJson(response)).toMatchObject({
      project_name: 'reading list',
      http_api_version: '1.0',
    });
  });

  it('stores an article over real HTTP and lists it back', async () => {
    const auth = { Authorization: `Basic ${Buffer.from('bob:pw').toString('base64')}` };
    const created = await fetch(`${base}articles`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ data: { title: 'Over the wire', url: 'https://example.com/wire' } }),
    });
    expect(created.status).toBe(201);
    const list = await fetch(`${base}articles`, { headers: auth });
    expect(list.headers.get('Total-Records')).toBe('1');
    expect((await readJson(list)).data[0].title).toBe('Over the wire');
  });
});
