/**
 * Stops and restarts the PostgreSQL server of this machine, in a file of its own. It first
 * waits to hold the server alone (test files hold it shared, see `holdServer`), so that it
 * never stops the server under another test. Whatever happens, the server is running again
 * when the file ends.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { BackendError } from '@pawl/core';
import { postgresCache, postgresStorage } from '@pawl/postgres';
import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../src/index.js';
import { DATABASE_URL, holdServer, query, skipPostgres } from './helpers.js';

const controllable = existsSync('/etc/postgresql') && existsSync('/usr/bin/pg_ctlcluster');
if (!controllable && !skipPostgres && !process.env.CI) {
  console.warn('PostgreSQL restart test skipped: pg_ctlcluster is not available here');
}

function cluster(action: 'start' | 'stop'): void {
  const version = readdirSync('/etc/postgresql')[0] ?? '';
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', action], {
    stdio: 'ignore',
  });
}

async function serverAnswers(): Promise<boolean> {
  return query('SELECT 1').then(
    () => true,
    () => false,
  );
}

async function within(ms: number, condition: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if (await condition()) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Not within ${ms} ms`);
}

const schema = `pawl_test_${randomBytes(6).toString('hex')}`;

describe.skipIf(skipPostgres || (!controllable && !process.env.CI))(
  'a PostgreSQL server that stops and comes back',
  () => {
    const storage = postgresStorage({ connectionString: DATABASE_URL, schema });
    const cache = postgresCache({ connectionString: DATABASE_URL, schema });
    const notes = { resource: 'notes', parentId: '' };

    let holder: Client | undefined;

    beforeAll(async () => {
      holder = await holdServer('alone');
      await migrate({ connectionString: DATABASE_URL, schema });
    }, 150_000);

    afterAll(async () => {
      if (!(await serverAnswers())) {
        try {
          cluster('start');
        } catch {
          // Already starting: wait for it below.
        }
        await within(30_000, serverAnswers);
      }
      await Promise.all([storage.close(), cache.close()]);
      await query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      // Its connection died with the server, and the lock with it.
      await holder?.end().catch(() => undefined);
    }, 60_000);

    it('heartbeats turn false while it is down and true again once it is back', async () => {
      await storage.put(notes, { id: 'before' });
      await cache.set('before', 1, 60);
      expect(await storage.heartbeat()).toBe(true);
      expect(await cache.heartbeat()).toBe(true);

      cluster('stop');
      try {
        expect(await storage.heartbeat()).toBe(false);
        expect(await cache.heartbeat()).toBe(false);
        await expect(storage.get(notes, 'before')).rejects.toBeInstanceOf(BackendError);
        await expect(storage.put(notes, { id: 'lost' })).rejects.toBeInstanceOf(BackendError);
        await expect(cache.get('before')).rejects.toBeInstanceOf(BackendError);
      } finally {
        cluster('start');
      }

      // The pools replace their dead connections on their own.
      const storageBack = await within(10_000, () => storage.heartbeat());
      const cacheBack = await within(10_000, () => cache.heartbeat());
      expect(storageBack + cacheBack).toBeLessThan(10_000);
      expect(await storage.get(notes, 'before')).toMatchObject({ id: 'before' });
      expect(await storage.put(notes, { id: 'after' })).toMatchObject({ id: 'after' });
      expect(await storage.get(notes, 'lost')).toBeNull();
    }, 60_000);
  },
);
