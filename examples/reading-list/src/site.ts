/**
 * The web page of the reading list: `public/index.html` at `/`, with its script and style
 * sheet. The page talks to the reading list only through the HTTP API under `/v1`.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { Hono } from 'hono';

const PUBLIC = new URL('../public/', import.meta.url);

const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

const HEADERS = {
  'Cache-Control': 'no-cache',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy':
    "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
};

/** A Hono app answering `GET /`, `/app.js` and `/style.css` from `public/`. */
export function site(): Hono {
  const app = new Hono();
  for (const [path, { file, type }] of Object.entries(FILES)) {
    app.get(path, async (c) =>
      c.body(await readFile(new URL(file, PUBLIC)), 200, { ...HEADERS, 'Content-Type': type }),
    );
  }
  return app;
}
