import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as source from '../src/index.js';
import { temporaryDirectory } from './helpers.js';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const built = existsSync(`${dist}index.js`) && existsSync(`${dist}index.d.ts`);
if (!built && !process.env.CI)
  console.warn('packages/sqlite/dist is missing: run the build to test it');

/** The package as users install it: the built files its `exports` and `bin` point at. */
describe.skipIf(!built && !process.env.CI)('the built @pawl/sqlite', () => {
  const directory = temporaryDirectory();

  it('exports what the source exports, with type declarations', async () => {
    const published = await import(/* @vite-ignore */ `${dist}index.js`);
    expect(Object.keys(published).sort()).toEqual(Object.keys(source).sort());
    const types = readFileSync(`${dist}index.d.ts`, 'utf8');
    for (const name of ['sqlite', 'sqliteStorage', 'migrate', 'SqliteStorage', 'PurgeOptions']) {
      expect(types).toContain(name);
    }
  });

  it('stores and reads a record from the build alone', async () => {
    const { sqlite } = await import(/* @vite-ignore */ `${dist}index.js`);
    const { storage } = sqlite({ path: join(directory, 'built.db') });
    const notes = { resource: 'notes', parentId: '' };
    const stored = await storage.put(notes, { id: 'a', text: 'from dist' });
    expect(await storage.get(notes, 'a')).toEqual(stored);
    await storage.close();
  });

  it('ships the pawl-sqlite command as an executable script', () => {
    const bin = JSON.parse(readFileSync(join(dist, '..', 'package.json'), 'utf8')).bin;
    expect(bin).toEqual({ 'pawl-sqlite': './dist/cli.js' });
    expect(readFileSync(`${dist}cli.js`, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const run = spawnSync(
      process.execPath,
      [`${dist}cli.js`, 'migrate', join(directory, 'cli.db')],
      {
        encoding: 'utf8',
      },
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^schema version 0 -> \d+/);
  });
});
