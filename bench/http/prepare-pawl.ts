/**
 * Fills a SQLite file in `@pawl/sqlite`'s layout with the benchmark's articles: `migrate()`
 * creates the schema, one transaction of prepared inserts writes the records and the
 * collection's timestamp, then opening a storage with the app's index declarations builds
 * the expression indexes as the server would. A count and a read through the storage API
 * check the result.
 *
 * @module
 */
import { migrate, sqliteStorage } from '@pawl/sqlite';
import Database from 'better-sqlite3';
import { articleAt, PAWL_INDEXES, PAWL_USER_ID } from './articles.js';

const COLLECTION = { resource: 'articles', parentId: PAWL_USER_ID };

export async function preparePawl(path: string, count: number, base: number): Promise<void> {
  migrate(path);
  const database = new Database(path);
  try {
    const insert = database.prepare(
      'INSERT INTO records (resource, parent_id, id, last_modified, deleted, data) VALUES (?, ?, ?, ?, 0, ?)',
    );
    const stamp = database.prepare(
      'INSERT INTO timestamps (resource, parent_id, last_modified) VALUES (?, ?, ?)',
    );
    database.transaction(() => {
      for (let n = 0; n < count; n += 1) {
        const { id, last_modified, ...fields } = articleAt(n, base);
        insert.run(
          COLLECTION.resource,
          COLLECTION.parentId,
          id,
          last_modified,
          JSON.stringify(fields),
        );
      }
      stamp.run(COLLECTION.resource, COLLECTION.parentId, base + count - 1);
    })();
  } finally {
    database.close();
  }

  const storage = sqliteStorage({ path, indexes: PAWL_INDEXES });
  try {
    const stored = await storage.count(COLLECTION, { filters: [] });
    const last = articleAt(count - 1, base);
    const read = await storage.get(COLLECTION, last.id);
    if (stored !== count || read?.url !== last.url) {
      throw new Error(`the Pawl file holds ${stored} articles, expected ${count}`);
    }
  } finally {
    await storage.close();
  }
}

/** The names of the expression indexes on record fields in the file at `path`. */
export function fieldIndexes(path: string): string[] {
  const database = new Database(path, { readonly: true });
  try {
    const rows = database
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'pawl_field_%' ORDER BY name",
      )
      .all() as { name: string }[];
    return rows.map((row) => row.name);
  } finally {
    database.close();
  }
}
