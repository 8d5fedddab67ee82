/**
 * The reading-list application: the `articles` resource served by Pawl.
 *
 * @module
 */
import { type Backends, createApp, type RequestLogger, type Settings } from '@pawl/core';
import type { Hono } from 'hono';
import { articles } from './articles.js';

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
  return createApp({
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
}
