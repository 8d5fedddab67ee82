/**
 * The Redis cache against a real server: the conformance suite, what it adds to it, and, last
 * (tests of a file run in order), a stop and restart of this machine's Redis.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { BackendError } from '@pawl/core';
import { runCacheConformance } from '@pawl/core/testing';
import { redisCache } from '@pawl/redis';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';

const LOCAL = 'redis://127.0.0.1:6379';
const REDIS_URL = process.env.PAWL_TEST_REDIS_URL ?? LOCAL;

async function reachable(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/** Outside CI, the tests are skipped when no server answers; in CI they always run. */
const skipRedis = !process.env.CI && !(await reachable());
if (skipRedis) console.warn(`Redis tests skipped: no server answers at ${REDIS_URL}`);

const prefix = `pawl-test:${randomBytes(6).toString('hex')}:`;
const cache = redisCache({ url: REDIS_URL, prefix });
const raw = new Redis(REDIS_URL, { lazyConnect: true });
raw.on('error', () => {});
afterAll(async () => {
  const keys = skipRedis ? [] : await raw.keys(`${prefix}*`);
  if (keys.length > 0) await raw.del(...keys);
  raw.disconnect();
  await cache.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(skipRedis)('Redis cache', () => {
  runCacheConformance({ name: 'redis', create: () => cache, cleanup: async () => {} });

  it('stores keys under its prefix, as JSON', async () => {
    await cache.set('k', { a: [1, 'b'] }, 60);
    expect(await raw.get(`${prefix}k`)).toBe('{"a":[1,"b"]}');
    const pttl = await raw.pttl(`${prefix}k`);
    expect(pttl).toBeGreaterThan(59_000);
    expect(pttl).toBeLessThanOrEqual(60_000);
  });

  it('caches with different prefixes keep their keys apart', async () => {
    const other = redisCache({ url: REDIS_URL, prefix: `${prefix}other:` });
    await cache.set('shared-name', 'mine', 60);
    await other.set('shared-name', 'theirs', 60);
    expect(await cache.get('shared-name')).toBe('mine');
    expect(await other.get('shared-name')).toBe('theirs');
    await other.close();
  });

  it('increment sets an expiry on the key it creates and never extends it', async () => {
    await cache.increment('hits', 1, 1);
    const first = await raw.pttl(`${prefix}hits`);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(1_000);
    await sleep(300);
    expect(await cache.increment('hits', 1, 60)).toBe(2);
    expect(await raw.pttl(`${prefix}hits`)).toBeLessThan(first);
    await sleep(800);
    expect(await cache.get('hits')).toBeNull();
    expect(await cache.increment('hits', 5, 60)).toBe(5);
  });

  it('increment keeps the expiry of a number written by set', async () => {
    await cache.set('n', 10, 1);
    expect(await cache.increment('n', 2, 60)).toBe(12);
    expect(await raw.pttl(`${prefix}n`)).toBeLessThanOrEqual(1_000);
  });

  it('increment of a value that is not an integer fails, but not as a backend failure', async () => {
    await cache.set('text', 'abc', 60);
    const failure = await cache.increment('text', 1, 60).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(BackendError);
    expect(await cache.get('text')).toBe('abc');
  });

  it('refuses a time to live that is not positive', async () => {
    await expect(cache.set('k', 1, 0)).rejects.toThrow(RangeError);
    await expect(cache.increment('k', 1, -1)).rejects.toThrow(RangeError);
  });

  it('an unreachable server gives BackendError on calls and false on heartbeat, fast', async () => {
    const away = redisCache({ url: 'redis://127.0.0.1:1', timeout: 500 });
    const started = Date.now();
    expect(await away.heartbeat()).toBe(false);
    await expect(away.get('k')).rejects.toBeInstanceOf(BackendError);
    await expect(away.set('k', 1, 60)).rejects.toBeInstanceOf(BackendError);
    expect(Date.now() - started).toBeLessThan(5_000);
    await away.close();
  });

  const controllable =
    REDIS_URL === LOCAL && ['/usr/bin/redis-cli', '/usr/bin/redis-server'].every(existsSync);

  describe.skipIf(!controllable && !process.env.CI)(
    'a Redis server that stops and comes back',
    () => {
      const start = () =>
        execFileSync('redis-server', [
          '--daemonize',
          'yes',
          '--bind',
          '127.0.0.1',
          '-::1',
          '--port',
          '6379',
          '--save',
          '',
          '--appendonly',
          'no',
          '--dir',
          '/var/lib/redis',
          '--logfile',
          '/var/log/redis/ci.log',
        ]);

      async function waitFor(condition: () => Promise<boolean>, ms: number): Promise<number> {
        const started = Date.now();
        while (Date.now() - started < ms) {
          if (await condition()) return Date.now() - started;
          await sleep(100);
        }
        throw new Error(`Not within ${ms} ms`);
      }

      afterAll(async () => {
        if (!(await reachable())) {
          try {
            start();
          } catch {
            // Already starting: wait for it below.
          }
          await waitFor(reachable, 20_000);
        }
      }, 30_000);

      it('heartbeat turns false while it is down and true again once it is back', async () => {
        await cache.set('before', 1, 60);
        expect(await cache.heartbeat()).toBe(true);

        execFileSync('redis-cli', ['-h', '127.0.0.1', 'shutdown', 'nosave']);
        try {
          await waitFor(async () => !(await reachable()), 5_000);
          expect(await cache.heartbeat()).toBe(false);
          await expect(cache.get('before')).rejects.toBeInstanceOf(BackendError);
          await expect(cache.increment('n', 1, 60)).rejects.toBeInstanceOf(BackendError);
        } finally {
          start();
        }

        // The client reconnects on its own.
        expect(await waitFor(() => cache.heartbeat(), 10_000)).toBeLessThan(10_000);
        await cache.set('after', 2, 60);
        expect(await cache.get('after')).toBe(2);
        // Nothing was saved: the restarted server starts empty.
        expect(await cache.get('before')).toBeNull();
      }, 30_000);
    },
  );
});
