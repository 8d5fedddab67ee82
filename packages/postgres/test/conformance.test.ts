import {
  runCacheConformance,
  runPermissionConformance,
  runStorageConformance,
} from '@pawl/core/testing';
import { postgres } from '@pawl/postgres';
import { afterAll, describe } from 'vitest';
import { DATABASE_URL, skipPostgres, testSchema } from './helpers.js';

const schema = testSchema();
const { storage, permission, cache } = postgres({ connectionString: DATABASE_URL, schema });
afterAll(async () => {
  await Promise.all([storage.close(), permission.close(), cache.close()]);
});

// One backend of each kind for every test (each uses fresh collections, objects or keys).
const keep = async () => {};

describe.skipIf(skipPostgres)('PostgreSQL', () => {
  runStorageConformance({ name: 'postgresql', create: () => storage, cleanup: keep });
  runPermissionConformance({ name: 'postgresql', create: () => permission, cleanup: keep });
  runCacheConformance({ name: 'postgresql', create: () => cache, cleanup: keep });
});
