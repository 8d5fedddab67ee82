import { runReferenceSemantics } from '@pawl/core/testing';
import { postgresStorage } from '@pawl/postgres';
import { describe } from 'vitest';
import { DATABASE_URL, skipPostgres, testSchema } from './helpers.js';

const schema = testSchema();

describe.skipIf(skipPostgres)('PostgreSQL', () => {
  runReferenceSemantics({
    name: 'postgresql',
    create: () => postgresStorage({ connectionString: DATABASE_URL, schema }),
  });
});
