import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { sqliteStorage } from '@pawl/sqlite';
import { describe, expect, it } from 'vitest';
import { startScript, temporaryDirectory } from './helpers.js';

const directory = temporaryDirectory();

function start(fixture: string, args: string[]): ChildProcess {
  return startScript(`test/fixtures/${fixture}`, args);
}

/** The complete lines a process prints, as they come. */
function lines(child: ChildProcess): { lines: string[]; errors: () => string } {
  const received: string[] = [];
  let pending = '';
  let errors = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (pending + chunk).split('\n');
    pending = parts.pop() ?? '';
    received.push(...parts);
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    errors += chunk;
  });
  return { lines: received, errors: () => errors };
}

async function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const [code] = await once(child, 'exit');
  return code as number | null;
}

describe('several processes on one file', () => {
  it('two processes incrementing one counter lose no update and get increasing timestamps', async () => {
    const file = join(directory, 'counter.db');
    const count = 200;
    const startAt = String(Date.now() + 1500);
    const writers = [0, 1].map(() => start('increment-counter.ts', [file, String(count), startAt]));
    const outputs = writers.map(lines);
    const codes = await Promise.all(writers.map(exitCode));
    expect(codes, outputs.map((output) => output.errors()).join('\n')).toEqual([0, 0]);

    const writes = outputs
      .flatMap((output) => output.lines)
      .map((line) => line.split(' ').map(Number) as [number, number]);
    expect(writes).toHaveLength(2 * count);
    // Every value from 1 to 400 was written exactly once: no read-modify-write was lost.
    const values = writes.map(([value]) => value).sort((a, b) => a - b);
    expect(values).toEqual(Array.from({ length: 2 * count }, (_, i) => i + 1));
    // Each process wrote its share, and the two really ran at the same time: their values
    // interleave instead of forming two blocks.
    const ranges = outputs.map((output) => {
      const own = output.lines.map((line) => Number(line.split(' ')[0]));
      return { size: own.length, low: Math.min(...own), high: Math.max(...own) };
    });
    for (const range of ranges) expect(range.size).toBe(count);
    const [first, second] = ranges as [(typeof ranges)[0], (typeof ranges)[0]];
    expect(first.low < second.high && second.low < first.high).toBe(true);
    // In commit order (the counter's value), timestamps strictly increase.
    const byValue = writes.sort((a, b) => a[0] - b[0]).map(([, stamp]) => stamp);
    for (let i = 1; i < byValue.length; i++) {
      expect(byValue[i]).toBeGreaterThan(byValue[i - 1] ?? Number.POSITIVE_INFINITY);
    }

    const storage = sqliteStorage({ path: file });
    const collection = { resource: 'counters', parentId: '' };
    expect((await storage.get(collection, 'counter'))?.n).toBe(2 * count);
    expect(await storage.timestamp(collection)).toBe(byValue.at(-1));
    await storage.close();
  }, 60_000);

  it('every write acknowledged before kill -9 is in the file when it is opened again', async () => {
    const file = join(directory, 'crash.db');
    const writer = start('acknowledged-writes.ts', [file]);
    const output = lines(writer);
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (output.lines.length >= 500) {
          clearInterval(timer);
          resolve();
        } else if (writer.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(`writer exited early: ${output.errors()}`));
        }
      }, 5);
    });
    writer.kill('SIGKILL');
    await exitCode(writer);
    expect(writer.signalCode).toBe('SIGKILL');

    const acknowledged = [...output.lines];
    expect(acknowledged.length).toBeGreaterThanOrEqual(500);
    const storage = sqliteStorage({ path: file });
    const notes = { resource: 'notes', parentId: 'crash' };
    const stored = new Set(
      (await storage.list(notes, { filters: [], sort: [{ path: ['id'], direction: 'asc' }] })).map(
        (item) => item.id,
      ),
    );
    const missing = acknowledged.filter((id) => !stored.has(id));
    expect(missing).toEqual([]);
    // Nothing half-written either: every pair written in one transaction is whole.
    for (const id of stored) {
      if (id.endsWith('-pair')) expect(stored.has(id.slice(0, -'-pair'.length))).toBe(true);
    }
    await storage.close();
  }, 60_000);
});
