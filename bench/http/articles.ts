/**
 * The benchmark's data: one user's reading list of N articles, the same for every system.
 * Article `n` is a pure function of `n` and the run's base time, so each system's storage is
 * filled with identical records (same ids, fields and `last_modified`).
 *
 * @module
 */
import { createHmac } from 'node:crypto';

/** The HMAC key every server gets (Pawl's `USERID_HMAC_SECRET`, Feathers' JWT secret). */
export const SECRET = 'bench-secret-0123456789abcdef';
/** The one user's Basic credentials. */
const CREDENTIALS = 'reader:correct-horse';
export const BASIC_AUTH = `Basic ${Buffer.from(CREDENTIALS).toString('base64')}`;
/** Pawl's user id for those credentials: its Basic policy's `basicauth:` + HMAC. */
export const PAWL_USER_ID = `basicauth:${createHmac('sha256', SECRET).update(CREDENTIALS).digest('hex')}`;
/** The fields Pawl indexes, as `examples/reading-list/src/server.ts` declares them. */
export const PAWL_INDEXES = { articles: ['unread', 'favorite', 'stored_on', 'url'] };

/** An article's fields besides `id` and `last_modified` (the reading list's schema). */
export interface ArticleFields {
  title: string;
  url: string;
  unread: boolean;
  favorite: boolean;
  read_position: number;
  word_count: number;
  excerpt: string;
  tags: string[];
  author: { name: string };
  stored_on: number;
}

export interface Article extends ArticleFields {
  id: string;
  last_modified: number;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function base32(value: number, length: number): string {
  let text = '';
  let rest = value;
  for (let i = 0; i < length; i += 1) {
    text = (CROCKFORD[rest % 32] ?? '0') + text;
    rest = Math.floor(rest / 32);
  }
  return text;
}

/** A ULID-shaped id (what Pawl generates): the time, then `n` where ULIDs put randomness. */
export function articleId(n: number, lastModified: number): string {
  return `${base32(lastModified, 10)}${base32(n, 16)}`;
}

/** The fields of a new article, numbered `n` within a run (`tag` keeps urls unique). */
export function newArticle(n: number, tag: string): Omit<ArticleFields, 'stored_on'> {
  return {
    title: `Notes on topic ${n % 97}, part ${n}`,
    url: `https://example.com/${tag}/articles/${n}`,
    unread: n % 3 !== 0,
    favorite: n % 7 === 0,
    read_position: n % 100,
    word_count: 400 + ((n * 37) % 3000),
    excerpt: `An excerpt of article ${n}: the first lines of the text, as a reading list shows them.`,
    tags: ['reading', `topic-${n % 10}`],
    author: { name: `Author ${n % 500}` },
  };
}

/** Article `n` of a collection whose oldest record was modified at `base`. */
export function articleAt(n: number, base: number): Article {
  const lastModified = base + n;
  return {
    id: articleId(n, lastModified),
    ...newArticle(n, 'stored'),
    stored_on: lastModified,
    last_modified: lastModified,
  };
}

/** A base time that puts every prepared record in the past, so new writes sort after them. */
export function baseTime(count: number): number {
  return Date.now() - count - 3_600_000;
}
