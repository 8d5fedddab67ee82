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
    const names = [
      'sqlite',
      'sqliteStorage',
      'sqlitePermission',
      'sqliteCache',
      'migrate',
      'SqliteBackends',
      'SqliteStorage',
      'PurgeOptions',
    ];
    for (const name of names) {
      expect(types).toContain(name);
    }
  });

  it('stores a record, its permissions and a cached value from the build alone', async () => {
    const { sqlite } = await import(/* @vite-ignore */ `${dist}index.js`);
    const { storage, permission, cache } = sqlite({ path: join(directory, 'built.db') });
    const notes = { resource: 'notes', parentId: '' };
    const stored = await storage.put(notes, { id: 'a', text: 'from dist' });
    expect(await storage.get(notes, 'a')).toEqual(stored);
    await permission.set('/notes/a', { read: ['bob'] });
    expect(await permission.accessible('/notes', ['bob'], ['read'])).toEqual(['/notes/a']);
    await cache.set('k', 'v', 60);
    expect(await cache.get('k')).toBe('v');
    await Promise.all([storage.close(), permission.close(), cache.close()]);
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
