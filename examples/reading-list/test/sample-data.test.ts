import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articleSchema } from '../src/articles.js';
import { sampleArticles } from '../src/sample-articles.js';
import { type RunningServer, root, startServer } from './start-server.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `pnpm sample-data` (its script, without pnpm) with `args`. */
async function loadSampleData(args: string[]): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/load-sample-data.ts', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const [code] = await once(child, 'exit');
  return { code: code as number | null, stdout, stderr };
}

async function total(url: string, user: string, password: string): Promise<string | null> {
  const response = await fetch(`${url}/v1/articles`, {
    method: 'HEAD',
    headers: { Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
  });
  return response.headers.get('Total-Records');
}

describe('sample articles', () => {
  it('are the same for the same count, valid, and each with its own URL', () => {
    const articles = sampleArticles(500);
    expect(sampleArticles(500)).toEqual(articles);
    expect(sampleArticles(20)).toEqual(articles.slice(0, 20));
    expect(new Set(articles.map((article) => article.url)).size).toBe(500);
    for (const article of articles) expect(v.safeParse(articleSchema, article).success).toBe(true);
    const unread = articles.filter((article) => article.unread).length;
    expect(unread).toBeGreaterThan(250);
    expect(unread).toBeLessThan(500);
    expect(articles.some((article) => article.favorite)).toBe(true);
  });
});

// Each test runs the command in a process of its own, and some start a server too.
describe('pnpm sample-data', { timeout: 60_000 }, () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ PAWL_BATCH_MAX_REQUESTS: '7' });
  });
  afterAll(() => server.stop());

  it('posts the articles in batches of batch_max_requests, then skips them as duplicates', async () => {
    const options = ['--url', server.url, '--user', 'sampler', '--password', 'pw'];
    const first = await loadSampleData([...options, '--count', '40']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/created: +40\n/);
    expect(first.stdout).toMatch(/skipped duplicates: +0\n/);
    expect(first.stdout).toMatch(/failed: +0\n/);
    expect(first.stdout).toMatch(/\d+ records\/s/);
    expect(await total(server.url, 'sampler', 'pw')).toBe('40');
    // 40 articles in batches of 7: six batches.
    expect(server.output().match(/"path":"\/v1\/batch"/g)).toHaveLength(6);

    const second = await loadSampleData([...options, '--count', '45']);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/created: +5\n/);
    expect(second.stdout).toMatch(/skipped duplicates: +40\n/);
    expect(await total(server.url, 'sampler', 'pw')).toBe('45');
  });

  it('uses demo / demo by default', async () => {
    const run = await loadSampleData(['--url', server.url, '--count', '3']);
    expect(run.code).toBe(0);
    expect(await total(server.url, 'demo', 'demo')).toBe('3');
  });

  it('refuses a count that is not a positive integer', async () => {
    const run = await loadSampleData(['--url', server.url, '--count', 'many']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--count must be a positive integer');
  });
});

describe('pnpm sample-data when articles cannot be stored', { timeout: 60_000 }, () => {
  it('counts the failures, shows why and exits with 1', async () => {
    const readonly = await startServer({ PAWL_READONLY: 'true' });
    try {
      const run = await loadSampleData(['--url', readonly.url, '--count', '10']);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/created: +0\n/);
      expect(run.stdout).toMatch(/failed: +10\n/);
      expect(run.stdout).toContain('10 × 405 ');
    } finally {
      await readonly.stop();
    }
  });

  it('says so when no server answers', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    const run = await loadSampleData(['--url', `http://127.0.0.1:${port}`, '--count', '5']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Cannot reach the reading list');
  });
});
