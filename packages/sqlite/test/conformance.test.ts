import { join } from 'node:path';
import { runStorageConformance } from '@pawl/core/testing';
import { sqliteStorage } from '@pawl/sqlite';
import { temporaryDirectory } from './helpers.js';

const directory = temporaryDirectory();

// One file shared by every test (each writes to fresh collections), opened anew for each.
runStorageConformance({
  name: 'sqlite file',
  create: () => sqliteStorage({ path: join(directory, 'conformance.db') }),
});

runStorageConformance({
  name: 'sqlite :memory:',
  create: () => sqliteStorage({ path: ':memory:' }),
});
