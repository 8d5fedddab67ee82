import { randomBytes } from 'node:crypto';
import { applyRandomWrite, exerciseRandomWrites, type RandomWrite } from '@pawl/core/testing';
import { migrate, type PostgresStorage, postgresStorage } from '@pawl/postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedPool } from '../src/database.js';
import { applyMigrations, MIGRATIONS } from '../src/schema/migrations.js';
import { DATABASE_URL, query, skipPostgres, testSchema } from './helpers.js';

const schema = testSchema();
const storage = postgresStorage({ connectionString: DATABASE_URL, schema });
const schemas: string[] = [];
afterAll(async () => {
  await storage.close();
  if (skipPostgres) return;
  for (const other of schemas) await query(`DROP SCHEMA IF EXISTS "${other}" CASCADE`);
});

/** Per collection of `inSchema`, the live records `count(*)` finds and the counter holds. */
async function countsIn(
  inSchema: string,
): Promise<{ counted: Map<string, number>; kept: Map<string, number> }> {
  type Row = { resource: string; parent_id: string; n: number };
  const byCollection = (rows: unknown[]) =>
    new Map((rows as Row[]).map((row) => [`${row.resource}/${row.parent_id}`, row.n]));
  const counted = await query(
    `SELECT resource, parent_id, count(*)::int AS n FROM "${inSchema}".records WHERE NOT deleted
      GROUP BY resource, parent_id`,
  );
  // A collection whose records were all deleted keeps a row at 0.
  const kept = await query(
    `SELECT resource, parent_id, live::int AS n FROM "${inSchema}".collection_counts WHERE live <> 0`,
  );
  return { counted: byCollection(counted), kept: byCollection(kept) };
}

describe.skipIf(skipPostgres)('live record counters', () => {
  it('equal count(*) after any sequence of puts, deletes, purges, commits and rollbacks', async () => {
    await exerciseRandomWrites(storage, {
      numRuns: 60,
      maxSteps: 20,
      check: async () => {
        const { counted, kept } = await countsIn(schema);
        expect(kept).toEqual(counted);
      },
    });
  }, 120_000);

  it('stay exact with writers on several pools at once', async () => {
    const writers = [1, 2, 3].map(() =>
      postgresStorage({ connectionString: DATABASE_URL, schema }),
    );
    const collections = [0, 1].map((n) => ({ resource: 'shared', parentId: `p${n}` }));
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
    const pick = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)] as T;
    const outcomes = await Promise.all(
      writers.map(async (writer) => {
        let failed = 0;
        for (let i = 0; i < 80; i++) {
          const roll = Math.random();
          const change: RandomWrite =
            roll < 0.5
              ? { put: pick(ids), collection: pick([0, 1]), forced: undefined }
              : { delete: pick(ids), collection: pick([0, 1]) };
          const done =
            roll < 0.3
              ? writer.transaction(async (session) => {
                  await applyRandomWrite(session, collections, change);
                  await applyRandomWrite(session, collections, {
                    put: pick(ids),
                    collection: 0,
                    forced: undefined,
                  });
                  if (Math.random() < 0.3) throw new Error('rolled back');
                })
              : roll < 0.35
                ? writer.purgeTombstones(pick(collections))
                : applyRandomWrite(writer, collections, change);
          // A deadlock between two transactions (a 503) or a rollback: the counts stay right.
          await done.catch(() => {
            failed++;
          });
        }
        return failed;
      }),
    );
    await Promise.all(writers.map((writer) => writer.close()));
    expect(outcomes.reduce((a, b) => a + b, 0)).toBeLessThan(240);
    const { counted, kept } = await countsIn(schema);
    expect(kept).toEqual(counted);
    for (const collection of collections) {
      expect(await storage.count(collection, { filters: [] })).toBe(
        counted.get(`shared/${collection.parentId}`) ?? 0,
      );
    }
  }, 60_000);

  it('answer unfiltered counts of live records; any other count counts the records', async () => {
    const collection = { resource: 'notes', parentId: 'which-query' };
    await storage.put(collection, { id: 'a', n: 1 });
    await storage.put(collection, { id: 'b', n: 2 });
    await storage.delete(collection, 'b');
    await query(
      `UPDATE "${schema}".collection_counts SET live = 1000 WHERE resource = $1 AND parent_id = $2`,
      [collection.resource, collection.parentId],
    );
    try {
      expect(await storage.count(collection, { filters: [] })).toBe(1000);
      expect(await storage.count(collection, { filters: [], includeDeleted: true })).toBe(2);
      const filters = [{ path: ['n'], operator: 'eq', value: 1 }] as const;
      expect(await storage.count(collection, { filters: [...filters] })).toBe(1);
    } finally {
      await query(
        `UPDATE "${schema}".collection_counts SET live = 1 WHERE resource = $1 AND parent_id = $2`,
        [collection.resource, collection.parentId],
      );
    }
    // A transaction counts its own writes.
    const inside = await storage.transaction(async (session) => {
      await session.put(collection, { id: 'c' });
      return session.count(collection, { filters: [] });
    });
    expect(inside).toBe(2);
    expect(
      await storage.count({ resource: 'notes', parentId: 'never-written' }, { filters: [] }),
    ).toBe(0);
  });

  it('follow changes made in SQL, many rows per statement', async () => {
    const records = `"${schema}".records`;
    await query(
      `INSERT INTO ${records} (resource, parent_id, id, last_modified, deleted, data)
        SELECT 'bulk', 'p' || (n % 2), 'r' || n, n, n % 5 = 0, '{}'
        FROM generate_series(1, 2000) AS n`,
    );
    // Tombstones revived and records deleted, in one statement.
    await query(
      `UPDATE ${records} SET deleted = NOT deleted WHERE resource = 'bulk' AND id LIKE 'r1%'`,
    );
    await query(`DELETE FROM ${records} WHERE resource = 'bulk' AND id LIKE 'r2%'`);
    const { counted, kept } = await countsIn(schema);
    expect(counted.get('bulk/p0')).toBeGreaterThan(0);
    expect(kept).toEqual(counted);
  });

  it('are filled for a schema made before them, with writers at work meanwhile', async () => {
    const old = `pawl_test_${randomBytes(6).toString('hex')}`;
    schemas.push(old);
    const database = sharedPool({ connectionString: DATABASE_URL, schema: old }).open();
    await applyMigrations(
      database.db,
      old,
      MIGRATIONS.filter((migration) => migration.name !== 'live record counts'),
    );
    await database.close();
    await query(
      `INSERT INTO "${old}".records (resource, parent_id, id, last_modified, deleted, data)
        SELECT 'notes', 'p' || (n % 3), 'r' || n, 1000 + n, n % 4 = 0,
          CASE WHEN n % 4 = 0 THEN '{"deleted":true}'::jsonb ELSE '{}'::jsonb END
        FROM generate_series(1, 3000) AS n`,
    );
    await query(
      `INSERT INTO "${old}".timestamps SELECT resource, parent_id, max(last_modified)
        FROM "${old}".records GROUP BY resource, parent_id`,
    );
    const writers: PostgresStorage[] = [1, 2, 3].map(() =>
      postgresStorage({ connectionString: DATABASE_URL, schema: old }),
    );
    let writing = true;
    const written = writers.map(async (writer, w) => {
      for (let i = 0; writing; i++) {
        const collection = { resource: 'notes', parentId: `p${(w + i) % 3}` };
        const id = `r${1 + Math.floor(Math.random() * 3000)}`;
        if (i % 2 === 0) await writer.put(collection, { id, by: w });
        else await writer.delete(collection, id);
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const result = await migrate({ connectionString: DATABASE_URL, schema: old });
    expect(result.applied).toEqual([MIGRATIONS.at(-1)?.version]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    writing = false;
    await Promise.all(written);
    await Promise.all(writers.map((writer) => writer.close()));
    const { counted, kept } = await countsIn(old);
    expect(counted.size).toBe(3);
    expect(kept).toEqual(counted);
  }, 30_000);
});
