/**
 * The `articles` resource: each user's own reading list.
 *
 * @module
 */
import { defineResource } from '@pawl/core';
import * as v from 'valibot';

const httpUrl = v.pipe(
  v.string(),
  v.url('must be an absolute URL'),
  v.regex(/^https?:\/\//i, 'must be an http or https URL'),
);
const count = v.pipe(
  v.number(),
  v.integer('must be an integer'),
  v.minValue(0, 'must be 0 or more'),
);

export const articleSchema = v.strictObject({
  title: v.pipe(
    v.string(),
    v.minLength(1, 'must not be empty'),
    v.maxLength(1024, 'must be at most 1024 characters'),
  ),
  url: httpUrl,
  unread: v.optional(v.boolean(), true),
  favorite: v.optional(v.boolean(), false),
  read_position: v.optional(count, 0),
  word_count: v.optional(count),
  excerpt: v.optional(v.string()),
  tags: v.optional(v.array(v.string())),
  author: v.optional(v.strictObject({ name: v.string(), url: v.optional(httpUrl) })),
  stored_on: v.optional(v.pipe(v.number(), v.integer())),
});

export const articles = defineResource({
  name: 'articles',
  schema: articleSchema,
  unique: ['url'],
  readonly: ['stored_on'],
  scope: 'user',
  hooks: {
    beforeCreate: (record) => ({ ...record, stored_on: Date.now() }),
  },
});
