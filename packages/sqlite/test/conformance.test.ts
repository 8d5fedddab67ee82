import { join } from 'node:path';
import {
  runCacheConformance,
  runPermissionConformance,
  runStorageConformance,
} from '@pawl/core/testing';
import {
  type SqliteBackends,
  sqlite,
  sqliteCache,
  sqlitePermission,
  sqliteStorage,
} from '@pawl/sqlite';
import { temporaryDirectory } from './helpers.js';

const directory = temporaryDirectory();
// One file shared by every test (each writes to fresh collections, objects and keys), opened
// anew for each.
const file = join(directory, 'conformance.db');

/**
 * One backend of `sqlite({ path })`, to create and clean up: cleaning up closes its two
 * siblings too, which closes the file.
 */
function fromSqlite<B>(path: string, pick: (backends: SqliteBackends) => B) {
  let opened: SqliteBackends | undefined;
  return {
    create: () => {
      opened = sqlite({ path });
      return pick(opened);
    },
    cleanup: async () => {
      const backends = opened;
      opened = undefined;
      if (backends) {
        await Promise.all([
          backends.storage.close(),
          backends.permission.close(),
          backends.cache.close(),
        ]);
      }
    },
  };
}

runStorageConformance({
  name: 'sqlite file',
  create: () => sqliteStorage({ path: file }),
});

runStorageConformance({
  name: 'sqlite :memory:',
  create: () => sqliteStorage({ path: ':memory:' }),
});

runPermissionConformance({
  name: 'sqlite() file',
  ...fromSqlite(file, (backends) => backends.permission),
});

runPermissionConformance({
  name: 'sqlite() :memory:',
  ...fromSqlite(':memory:', (backends) => backends.permission),
});

runPermissionConformance({
  name: 'sqlitePermission file',
  create: () => sqlitePermission({ path: file }),
});

runCacheConformance({
  name: 'sqlite() file',
  ...fromSqlite(file, (backends) => backends.cache),
});

runCacheConformance({
  name: 'sqlite() :memory:',
  ...fromSqlite(':memory:', (backends) => backends.cache),
});

runCacheConformance({
  name: 'sqliteCache file',
  create: () => sqliteCache({ path: file }),
});
