import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as source from '../src/index.js';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const built = existsSync(`${dist}index.js`) && existsSync(`${dist}index.d.ts`);
if (!built && !process.env.CI) {
  console.warn('packages/redis/dist is missing: run the build to test it');
}

/** The package as users install it: the built files its `exports` point at. */
describe.skipIf(!built && !process.env.CI)('the built @pawl/redis', () => {
  it('exports what the source exports, with type declarations', async () => {
    const published = await import(/* @vite-ignore */ `${dist}index.js`);
    expect(Object.keys(published).sort()).toEqual(Object.keys(source).sort());
    const types = readFileSync(`${dist}index.d.ts`, 'utf8');
    for (const name of ['redisCache', 'RedisCacheOptions']) expect(types).toContain(name);
  });
});
