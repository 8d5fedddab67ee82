/**
 * Fills the peer's SQLite file: knex's schema builder makes the `users` and `articles` tables
 * (as a Feathers app's knex migration would), one transaction of prepared inserts writes the
 * user and the articles, and the indexes come after the load: one per query the benchmark
 * makes (`last_modified`, `unread` + `stored_on`, `favorite` + `stored_on`, `stored_on`, all
 * per user) and the unique `url` per user. Returns a JWT for the user.
 *
 * @module
 */
import Database from 'better-sqlite3';
import knex from 'knex';
import { articleAt, SECRET } from './articles.js';
import { feathersToken } from './feathers-app.js';

const FEATHERS_USER_ID = 1;

async function createTables(file: string): Promise<void> {
  const db = knex({
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
  });
  try {
    await db.schema.createTable('users', (table) => {
      table.increments('id');
      table.string('email').notNullable().unique();
    });
    await db.schema.createTable('articles', (table) => {
      table.string('id').primary();
      table.integer('user_id').notNullable().references('id').inTable('users');
      table.string('title', 1024).notNullable();
      table.string('url').notNullable();
      table.boolean('unread').notNullable();
      table.boolean('favorite').notNullable();
      table.integer('read_position').notNullable();
      table.integer('word_count');
      table.text('excerpt');
      table.text('tags');
      table.text('author');
      table.bigInteger('stored_on').notNullable();
      table.bigInteger('last_modified').notNullable();
    });
  } finally {
    await db.destroy();
  }
}

async function createIndexes(file: string): Promise<void> {
  const db = knex({
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
  });
  try {
    await db.schema.alterTable('articles', (table) => {
      table.unique(['user_id', 'url']);
      table.index(['user_id', 'last_modified']);
      table.index(['user_id', 'unread', 'stored_on']);
      table.index(['user_id', 'favorite', 'stored_on']);
      table.index(['user_id', 'stored_on']);
    });
  } finally {
    await db.destroy();
  }
}

export async function prepareFeathers(file: string, count: number, base: number): Promise<string> {
  await createTables(file);
  const database = new Database(file);
  try {
    database.pragma('journal_mode = WAL');
    const insert = database.prepare(
      `INSERT INTO articles (id, user_id, title, url, unread, favorite, read_position, word_count,
        excerpt, tags, author, stored_on, last_modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    database.transaction(() => {
      database
        .prepare('INSERT INTO users (id, email) VALUES (?, ?)')
        .run(FEATHERS_USER_ID, 'reader@example.com');
      for (let n = 0; n < count; n += 1) {
        const a = articleAt(n, base);
        insert.run(
          a.id,
          FEATHERS_USER_ID,
          a.title,
          a.url,
          Number(a.unread),
          Number(a.favorite),
          a.read_position,
          a.word_count,
          a.excerpt,
          JSON.stringify(a.tags),
          JSON.stringify(a.author),
          a.stored_on,
          a.last_modified,
        );
      }
    })();
  } finally {
    database.close();
  }
  await createIndexes(file);
  return feathersToken(file, SECRET, FEATHERS_USER_ID);
}
