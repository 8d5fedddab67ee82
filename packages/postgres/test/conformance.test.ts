import { runCacheConformance, runStorageConformance } from '@pawl/core/testing';
import { postgresCache, postgresStorage } from '@pawl/postgres';
import { afterAll, describe } from 'vitest';
import { DATABASE_URL, skipPostgres, testSchema } from './helpers.js';

const schema = testSchema();
const storage = postgresStorage({ connectionString: DATABASE_URL, schema });
const cache = postgresCache({ connectionString: DATABASE_URL, schema });
afterAll(async () => {
  await Promise.all([storage.close(), cache.close()]);
});

// One storage and one cache for every test (each uses fresh collections or keys).
describe.skipIf(skipPostgres)('PostgreSQL', () => {
  runStorageConformance({ name: 'postgresql', create: () => storage, cleanup: async () => {} });
  runCacheConformance({ name: 'postgresql', create: () => cache, cleanup: async () => {} });
});
