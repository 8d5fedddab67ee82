import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { sqliteCache } from '@pawl/sqlite';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { finished, startScript, temporaryDirectory } from './helpers.js';

const directory = temporaryDirectory();

function keys(file: string): string[] {
  const reader = new Database(file, { readonly: true });
  try {
    const rows = reader.prepare('SELECT key FROM cache ORDER BY key').all() as Array<{
      key: string;
    }>;
    return rows.map((row) => row.key);
  } finally {
    reader.close();
  }
}

async function output(child: ChildProcess): Promise<{ code: number | null; lines: string[] }> {
  const { code, stdout, stderr } = await finished(child);
  if (code !== 0) throw new Error(`exited with ${code}: ${stderr}`);
  return { code, lines: stdout.trim().split('\n') };
}

describe('the SQLite cache', () => {
  it('ignores expired entries, and an increment past expiry starts again from zero', async () => {
    let now = 1_000_000;
    const cache = sqliteCache({ path: join(directory, 'expiry.db'), clock: () => now });
    await cache.set('short', 'value', 1);
    await cache.increment('n', 5, 2);
    now += 999;
    expect(await cache.get('short')).toBe('value');
    now += 1;
    expect(await cache.get('short')).toBeNull();
    expect(await cache.increment('n', 1, 2)).toBe(6);
    now += 1000;
    expect(await cache.get('n')).toBeNull();
    expect(await cache.increment('n', 1, 10)).toBe(1);
    now += 9999;
    expect(await cache.get('n')).toBe(1);
    await cache.close();
  });

  it('deletes expired rows on its timer, and only those', async () => {
    const file = join(directory, 'purge.db');
    let now = 1_000_000;
    const cache = sqliteCache({ path: file, clock: () => now, purgeInterval: 0.02 });
    await cache.set('gone', 1, 1);
    await cache.set('kept', 2, 100);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(keys(file)).toEqual(['gone', 'kept']);
    now += 1000;
    await expect.poll(() => keys(file), { timeout: 5000, interval: 20 }).toEqual(['kept']);
    expect(await cache.get('kept')).toBe(2);
    await cache.close();
  });

  it('refuses non-numbers to increment, non-positive lifetimes and purge intervals', async () => {
    const file = join(directory, 'refusals.db');
    const cache = sqliteCache({ path: file });
    await cache.set('text', 'abc', 60);
    await expect(cache.increment('text', 1, 60)).rejects.toThrow(TypeError);
    await expect(cache.set('k', 1, 0)).rejects.toThrow(RangeError);
    await expect(cache.increment('fresh', 1, -1)).rejects.toThrow(RangeError);
    expect(await cache.get('text')).toBe('abc');
    expect(await cache.get('fresh')).toBeNull();
    await cache.close();
    expect(() => sqliteCache({ path: file, purgeInterval: 0 })).toThrow(RangeError);
  });

  it('keeps values for the next process, which sees them expire on time', async () => {
    const file = join(directory, 'kept.db');
    let now = 1_000_000;
    const first = sqliteCache({ path: file, clock: () => now });
    await first.set('k', { nested: [1, 'two'] }, 60);
    await first.close();
    const second = sqliteCache({ path: file, clock: () => now });
    expect(await second.get('k')).toEqual({ nested: [1, 'two'] });
    now += 60_000;
    expect(await second.get('k')).toBeNull();
    await second.close();
  });

  it('increments atomically across processes, which end without closing it', async () => {
    const file = join(directory, 'processes.db');
    const count = 100;
    const startAt = String(Date.now() + 1500);
    const children = [0, 1].map(() =>
      startScript('test/fixtures/cache-increments.ts', [file, String(count), startAt]),
    );
    const results = await Promise.all(children.map(output));
    const values = results.flatMap((result) => result.lines.map(Number)).sort((a, b) => a - b);
    expect(values).toEqual(Array.from({ length: 2 * count }, (_, i) => i + 1));
    const cache = sqliteCache({ path: file });
    expect(await cache.get('hits')).toBe(2 * count);
    await cache.close();
  }, 60_000);
});
