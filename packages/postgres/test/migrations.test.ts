import { randomBytes } from 'node:crypto';
import { migrate, postgresStorage } from '@pawl/postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../src/schema/migrations.js';
import { DATABASE_URL, query, runCli, shareServer, skipPostgres } from './helpers.js';

const LATEST = MIGRATIONS.at(-1)?.version ?? 0;
const schemas: string[] = [];
shareServer();

/** A schema name nobody uses yet, dropped after the file's tests. */
function freshSchema(): string {
  const schema = `pawl_test_${randomBytes(6).toString('hex')}`;
  schemas.push(schema);
  return schema;
}

afterAll(async () => {
  if (skipPostgres) return;
  for (const schema of schemas) await query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
});

async function versions(schema: string): Promise<unknown[]> {
  return query(`SELECT version FROM "${schema}".pawl_migrations ORDER BY version`);
}

describe.skipIf(skipPostgres)('migrations', () => {
  it('three concurrent migrate calls on a fresh schema apply each migration once', async () => {
    const schema = freshSchema();
    const results = await Promise.all(
      [1, 2, 3].map(() => migrate({ connectionString: DATABASE_URL, schema })),
    );
    const applied = results.map((result) => result.applied);
    // One call applied everything; the others waited for it, then found nothing left to do.
    expect(applied.filter((list) => list.length > 0)).toEqual([
      MIGRATIONS.map((migration) => migration.version),
    ]);
    expect(results.every((result) => result.to === LATEST)).toBe(true);
    expect(await versions(schema)).toEqual(MIGRATIONS.map(({ version }) => ({ version })));
  });

  it('is idempotent', async () => {
    const schema = freshSchema();
    expect(await migrate({ connectionString: DATABASE_URL, schema })).toEqual({
      from: 0,
      to: LATEST,
      applied: MIGRATIONS.map((migration) => migration.version),
    });
    expect(await migrate({ connectionString: DATABASE_URL, schema })).toEqual({
      from: LATEST,
      to: LATEST,
      applied: [],
    });
  });

  it('refuses a schema migrated past what this version knows', async () => {
    const schema = freshSchema();
    await migrate({ connectionString: DATABASE_URL, schema });
    await query(`INSERT INTO "${schema}".pawl_migrations (version, name) VALUES ($1, 'future')`, [
      LATEST + 1,
    ]);
    await expect(migrate({ connectionString: DATABASE_URL, schema })).rejects.toThrow(
      /newer than this @pawl\/postgres knows/,
    );
  });

  it('three storages starting at once with migrateOnStart serve their first writes', async () => {
    const schema = freshSchema();
    const storages = [1, 2, 3].map(() =>
      postgresStorage({ connectionString: DATABASE_URL, schema, migrateOnStart: true }),
    );
    const notes = { resource: 'notes', parentId: '' };
    const written = await Promise.all(
      storages.map((storage, i) => storage.put(notes, { id: `n${i}` })),
    );
    expect(new Set(written.map((record) => record.last_modified)).size).toBe(3);
    expect(await storages[0]?.count(notes, { filters: [] })).toBe(3);
    expect(await versions(schema)).toHaveLength(MIGRATIONS.length);
    await Promise.all(storages.map((storage) => storage.close()));
  });

  it('without migrateOnStart, a missing schema is reported with the way to create it', async () => {
    const storage = postgresStorage({ connectionString: DATABASE_URL, schema: freshSchema() });
    await expect(storage.get({ resource: 'notes', parentId: '' }, 'a')).rejects.toThrow(
      /pawl-postgres migrate/,
    );
    expect(await storage.heartbeat()).toBe(false);
    await storage.close();
  });

  it('pawl-postgres migrate applies them, from a URL or DATABASE_URL', async () => {
    const schema = freshSchema();
    expect(await runCli(['migrate', DATABASE_URL, '--schema', schema])).toEqual({
      code: 0,
      output: `schema version 0 -> ${LATEST} (applied ${MIGRATIONS.map((m) => m.version).join(', ')})\n`,
    });
    expect(await runCli(['migrate', '--schema', schema], { DATABASE_URL })).toEqual({
      code: 0,
      output: `schema version ${LATEST}: up to date\n`,
    });
    const usage = await runCli(['upgrade'], { DATABASE_URL: '' });
    expect(usage.code).toBe(2);
    expect(usage.output).toContain('Usage:');
  }, 30_000);
});
