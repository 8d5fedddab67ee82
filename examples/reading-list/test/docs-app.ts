/**
 * The apps that the curl samples of docs/README.md and docs/authentication.md talk to, where
 * the reading list would not do, each served on a free port: the notes of the first page's
 * "A first look", and the checks of the second page's API keys.
 *
 * @module
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { apiKeyAuth, basicAuth, createApp, defineResource } from '@pawl/core';
import type { Hono } from 'hono';
import * as v from 'valibot';
import type { RunningServer } from './start-server.js';

/** The key that docs/authentication.md's sample sends as `$PROJECT_KEY`. */
export const PROJECT_KEY = 'docs-project-key';

/** The secret `pnpm start` falls back to, from which the user ids shown in the docs come. */
export const DEVELOPMENT_SECRET = 'reading-list-development-secret';

export interface DocsServer extends Pick<RunningServer, 'url'> {
  stop(): Promise<unknown>;
}

async function serveOnFreePort(app: Hono): Promise<DocsServer> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(started),
    );
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** docs/README.md's first look, as written there, without `USERID_HMAC_SECRET`. */
export function startNotesApp(): Promise<DocsServer> {
  const notes = defineResource({
    name: 'notes',
    schema: v.strictObject({
      text: v.pipe(v.string(), v.minLength(1)),
      pinned: v.optional(v.boolean(), false),
    }),
  });
  return serveOnFreePort(
    createApp({
      project: { name: 'notes', version: '1.0.0' },
      httpApiVersion: '1.0',
      resources: [notes],
      userIdHmacSecret: 'change me',
    }),
  );
}

/** docs/authentication.md's `checks`, behind its API key and Basic auth as the reading list's. */
export function startChecksApp(): Promise<DocsServer> {
  return serveOnFreePort(
    createApp({
      project: { name: 'checks', version: '1.0.0' },
      httpApiVersion: '1.0',
      resources: [defineResource({ name: 'checks' })],
      auth: [
        apiKeyAuth({ keys: [{ key: PROJECT_KEY, principal: 'project:1' }] }),
        basicAuth({ secret: DEVELOPMENT_SECRET }),
      ],
    }),
  );
}
