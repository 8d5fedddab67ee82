import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as source from '../src/index.js';
import { DATABASE_URL, query, shareServer, skipPostgres } from './helpers.js';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const built = existsSync(`${dist}index.js`) && existsSync(`${dist}index.d.ts`);
if (!built && !process.env.CI) {
  console.warn('packages/postgres/dist is missing: run the build to test it');
}

/** The package as users install it: the built files its `exports` and `bin` point at. */
describe.skipIf(!built && !process.env.CI)('the built @pawl/postgres', () => {
  it('exports what the source exports, with type declarations', async () => {
    const published = await import(/* @vite-ignore */ `${dist}index.js`);
    expect(Object.keys(published).sort()).toEqual(Object.keys(source).sort());
    const types = readFileSync(`${dist}index.d.ts`, 'utf8');
    for (const name of [
      'postgres',
      'postgresStorage',
      'postgresCache',
      'migrate',
      'PostgresOptions',
      'PostgresStorageOptions',
      'PostgresCacheOptions',
      'ConnectionOptions',
      'MigrationResult',
    ]) {
      expect(types).toContain(name);
    }
  });

  it('ships the pawl-postgres command as an executable script', () => {
    const bin = JSON.parse(readFileSync(`${dist}../package.json`, 'utf8')).bin;
    expect(bin).toEqual({ 'pawl-postgres': './dist/cli.js' });
    expect(readFileSync(`${dist}cli.js`, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  describe.skipIf(skipPostgres)('on PostgreSQL', () => {
    shareServer();
    const schema = `pawl_test_${randomBytes(6).toString('hex')}`;
    afterAll(() => query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));

    it('migrates with the built command, then stores and reads from the build alone', async () => {
      const run = spawnSync(
        process.execPath,
        [`${dist}cli.js`, 'migrate', DATABASE_URL, '--schema', schema],
        {
          encoding: 'utf8',
        },
      );
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/^schema version 0 -> \d+/);
      const { postgres } = await import(/* @vite-ignore */ `${dist}index.js`);
      const { storage, cache } = postgres({ connectionString: DATABASE_URL, schema });
      const notes = { resource: 'notes', parentId: '' };
      const stored = await storage.put(notes, { id: 'a', text: 'from dist' });
      expect(await storage.get(notes, 'a')).toEqual(stored);
      await storage.close();
      await cache.close();
    });
  });
});
