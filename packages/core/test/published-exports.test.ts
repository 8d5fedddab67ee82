import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as source from '../src/index.js';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const built = existsSync(`${dist}index.js`) && existsSync(`${dist}index.d.ts`);
if (!built && !process.env.CI)
  console.warn('packages/core/dist is missing: run the build to test it');

/** The package as users install it: the built files its `exports` point at. */
describe.skipIf(!built && !process.env.CI)('the built @pawl/core', () => {
  it('exports what the source exports, with type declarations', async () => {
    const published = await import(/* @vite-ignore */ `${dist}index.js`);
    expect(Object.keys(published).sort()).toEqual(Object.keys(source).sort());
    expect(existsSync(`${dist}testing/index.d.ts`)).toBe(true);
  });

  it('serves a resource from the build alone', async () => {
    const { createApp, defineResource } = await import(/* @vite-ignore */ `${dist}index.js`);
    const app = createApp({
      project: { name: 'built', version: '1' },
      httpApiVersion: '1.0',
      resources: [defineResource({ name: 'notes' })],
      userIdHmacSecret: 'secret',
    });
    const response = await app.request('/v1/notes', {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from('a:b').toString('base64')}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ data: { text: 'from dist' } }),
    });
    expect(response.status).toBe(201);
  });

  it('publishes the conformance suites and the backend exercises under @pawl/core/testing', async () => {
    const testing = await import(/* @vite-ignore */ `${dist}testing/index.js`);
    expect(Object.keys(testing).sort()).toEqual([
      'FILTER_OPERATORS',
      'HOSTILE_FIELD_NAMES',
      'HOSTILE_FILTERS',
      'applyRandomWrite',
      'exerciseHostileFieldNames',
      'exerciseRandomWrites',
      'hostilePaths',
      'runCacheConformance',
      'runPermissionConformance',
      'runReferenceSemantics',
      'runStorageConformance',
    ]);
  });
});
