/**
 * The reading-list application: the `articles` resource served by Pawl under `/v1`, and
 * the web page that uses it at `/`.
 *
 * @module
 */
import { type Backends, createApp, type RequestLogger, type Settings } from '@pawl/core';
import type { Hono } from 'hono';
import { articles } from './articles.js';
import { site } from './site.js';

export interface ReadingListOptions {
  /** The HMAC key that turns Basic credentials into user ids. */
  userIdHmacSecret: string;
  /** Default: in memory. */
  backends?: Backends;
  settings?: Partial<Settings>;
  /** One line per request; default: none. */
  logger?: RequestLogger;
}

export function createReadingList(options: ReadingListOptions): Hono {
  const api = createApp({
    project: {
      name: 'reading list',
      version: '0.1.0',
      docs: 'https://github.com/pawl-dev/pawl/tree/main/examples/reading-list',
    },
    httpApiVersion: '1.0',
    resources: [articles],
    backends: options.backends,
    userIdHmacSecret: options.userIdHmacSecret,
    settings: options.settings,
    logger: options.logger,
  });
  // The page's routes come first: Pawl answers every other path, redirecting `/` to `/v1/`.
  return site().route('/', api);
}
