import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@pawl\/core\/testing$/, replacement: src('./packages/core/src/testing/index.ts') },
      { find: /^@pawl\/core$/, replacement: src('./packages/core/src/index.ts') },
      { find: /^@pawl\/sqlite$/, replacement: src('./packages/sqlite/src/index.ts') },
      { find: /^@pawl\/postgres$/, replacement: src('./packages/postgres/src/index.ts') },
      { find: /^@pawl\/redis$/, replacement: src('./packages/redis/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/{src,test}/**/*.test.ts', 'examples/*/{src,test}/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
