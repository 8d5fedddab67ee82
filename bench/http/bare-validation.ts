/**
 * The bare server's check of posted article fields (types and bounds of the reading list's
 * schema, defaults filled in) and its error answers.
 *
 * @module
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ArticleFields } from './articles.js';

/** An error answered as `{ code, message }` with its status. */
export class HttpProblem extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
  ) {
    super(message);
  }

  json(): { code: number; message: string } {
    return { code: this.status, message: this.message };
  }
}

/** The schema's fields, in its order (which stored JSON follows). */
const FIELDS = [
  'title',
  'url',
  'unread',
  'favorite',
  'read_position',
  'word_count',
  'excerpt',
  'tags',
  'author',
  'stored_on',
];
const KNOWN = new Set(FIELDS);

function isCount(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) >= 0;
}

/** The fields with their defaults, or a 400 naming the first field that is wrong. */
export function checkArticle(input: { [key: string]: unknown }): ArticleFields {
  const fields: { [key: string]: unknown } = {
    unread: true,
    favorite: false,
    read_position: 0,
    ...input,
  };
  const { title, url, tags, author } = fields;
  const wrong =
    Object.keys(fields).find((name) => !KNOWN.has(name)) ??
    (typeof title !== 'string' || title.length < 1 || title.length > 1024 ? 'title' : undefined) ??
    (typeof url !== 'string' || !/^https?:\/\/\S+$/i.test(url) ? 'url' : undefined) ??
    (typeof fields.unread !== 'boolean' ? 'unread' : undefined) ??
    (typeof fields.favorite !== 'boolean' ? 'favorite' : undefined) ??
    (!isCount(fields.read_position) ? 'read_position' : undefined) ??
    ('word_count' in fields && !isCount(fields.word_count) ? 'word_count' : undefined) ??
    ('excerpt' in fields && typeof fields.excerpt !== 'string' ? 'excerpt' : undefined) ??
    (tags !== undefined && !(Array.isArray(tags) && tags.every((tag) => typeof tag === 'string'))
      ? 'tags'
      : undefined) ??
    (author !== undefined && typeof (author as { name?: unknown }).name !== 'string'
      ? 'author'
      : undefined) ??
    (!Number.isInteger(fields.stored_on) ? 'stored_on' : undefined);
  if (wrong) throw new HttpProblem(400, `Invalid field ${wrong}`);
  const ordered = FIELDS.filter((name) => name in fields).map((name) => [name, fields[name]]);
  return Object.fromEntries(ordered) as ArticleFields;
}
