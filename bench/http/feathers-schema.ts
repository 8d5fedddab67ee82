/**
 * The peer's `articles` schema, validators and resolvers, laid out as the Feathers 5
 * generator lays out a service's `*.schema.ts` (TypeBox schemas, AJV validators, data,
 * patch, query, result and external resolvers). SQLite has no boolean nor JSON column, so
 * the data resolvers store `tags` and `author` as JSON text and the result resolver turns
 * them (and the 0/1 booleans) back, which gives the same JSON per record as Pawl.
 *
 * @module
 */
import type { HookContext } from '@feathersjs/feathers';
import { Ajv, addFormats, resolve } from '@feathersjs/schema';
import { getValidator, querySyntax, type Static, Type } from '@feathersjs/typebox';
import { articleId } from './articles.js';

// validators.ts of a generated app.
const formats = ['date-time', 'time', 'date', 'email', 'uri', 'uuid'] as const;
const dataValidator = addFormats(new Ajv({}), [...formats]);
const queryValidator = addFormats(new Ajv({ coerceTypes: true }), [...formats]);

const httpUrl = Type.String({ format: 'uri', pattern: '^[hH][tT][tT][pP][sS]?://' });
const count = Type.Integer({ minimum: 0 });

export const articleSchema = Type.Object(
  {
    id: Type.String(),
    user_id: Type.Number(),
    title: Type.String({ minLength: 1, maxLength: 1024 }),
    url: httpUrl,
    unread: Type.Boolean(),
    favorite: Type.Boolean(),
    read_position: count,
    word_count: Type.Optional(count),
    excerpt: Type.Optional(Type.String()),
    tags: Type.Optional(Type.Array(Type.String())),
    author: Type.Optional(
      Type.Object(
        { name: Type.String(), url: Type.Optional(httpUrl) },
        { additionalProperties: false },
      ),
    ),
    stored_on: Type.Integer(),
    last_modified: Type.Integer(),
  },
  { $id: 'Article', additionalProperties: false },
);
export type Article = Static<typeof articleSchema>;
/** An article as a resolver sees it: from the client, or as a row with JSON text columns. */
type ArticleRow = Omit<Article, 'tags' | 'author' | 'unread' | 'favorite'> & {
  tags?: string[] | string | null;
  author?: Article['author'] | string | null;
  unread: boolean | number;
  favorite: boolean | number;
};

const json = async (value: unknown) =>
  value === undefined || value === null ? undefined : JSON.stringify(value);
const parsed = async <T>(value: T | string | null | undefined) =>
  typeof value === 'string' ? (JSON.parse(value) as T) : (value ?? undefined);
const present = async <T>(value: T | null | undefined) => value ?? undefined;

export const articleResolver = resolve<ArticleRow, HookContext>({
  unread: async (value) => Boolean(value),
  favorite: async (value) => Boolean(value),
  word_count: present,
  excerpt: present,
  tags: parsed,
  author: parsed,
});

export const articleExternalResolver = resolve<ArticleRow, HookContext>({
  user_id: async () => undefined,
});

export const articleDataSchema = Type.Intersect(
  [
    Type.Pick(articleSchema, ['title', 'url', 'word_count', 'excerpt', 'tags', 'author']),
    Type.Partial(Type.Pick(articleSchema, ['unread', 'favorite', 'read_position'])),
  ],
  { $id: 'ArticleData', additionalProperties: false },
);
export const articleDataValidator = getValidator(articleDataSchema, dataValidator);
let serial = 0;
export const articleDataResolver = resolve<ArticleRow, HookContext>({
  id: async () => articleId(serial++, Date.now()),
  user_id: async (_value, _article, context) => context.params.user.id,
  unread: async (value) => value ?? true,
  favorite: async (value) => value ?? false,
  read_position: async (value) => value ?? 0,
  tags: json,
  author: json,
  stored_on: async () => Date.now(),
  last_modified: async () => Date.now(),
});

export const articlePatchSchema = Type.Partial(
  Type.Omit(articleSchema, ['id', 'user_id', 'stored_on', 'last_modified']),
  { $id: 'ArticlePatch', additionalProperties: false },
);
export const articlePatchValidator = getValidator(articlePatchSchema, dataValidator);
export const articlePatchResolver = resolve<ArticleRow, HookContext>({
  tags: json,
  author: json,
  last_modified: async () => Date.now(),
});

const articleQueryProperties = Type.Pick(articleSchema, [
  'id',
  'user_id',
  'url',
  'unread',
  'favorite',
  'stored_on',
  'last_modified',
]);
export const articleQuerySchema = Type.Intersect(
  [querySyntax(articleQueryProperties), Type.Object({}, { additionalProperties: false })],
  { additionalProperties: false },
);
export const articleQueryValidator = getValidator(articleQuerySchema, queryValidator);
/** Each user sees and changes only their own articles. */
export const articleQueryResolver = resolve<Static<typeof articleQuerySchema>, HookContext>({
  user_id: async (value, _query, context) => context.params.user?.id ?? value,
});
