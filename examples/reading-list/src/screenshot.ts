/**
 * `pnpm screenshot`: takes `docs/reading-list.png`, the picture of the page in the README.
 * Serves the reading list in memory on a free port, stores a few sample articles, signs in
 * from headless Chromium and shoots the whole page.
 *
 * @module
 */
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createReadingList } from './app.js';
import { launchChromium } from './chromium.js';
import { sampleArticles } from './sample-articles.js';

const OUTPUT = fileURLToPath(new URL('../../../docs/reading-list.png', import.meta.url));
const USER = 'demo';
const PASSWORD = 'demo';

const app = createReadingList({ userIdHmacSecret: 'screenshot' });
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const authorization = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
for (const data of sampleArticles(6)) {
  const response = await fetch(`${base}/v1/articles`, {
    method: 'POST',
    headers: { Authorization: authorization, 'Content-Type': 'application/json' },
    body: JSON.stringify({ data }),
  });
  if (response.status !== 201) throw new Error(`creating a sample article: ${response.status}`);
}

const browser = await launchChromium({ width: 1000, height: 700 });
try {
  const page = await browser.context.newPage();
  await page.goto(base);
  await page.getByLabel('User name').fill(USER);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('.article').nth(5).waitFor();
  const favorite = page.locator('.article').nth(2).getByRole('button', { name: 'Favourite' });
  await favorite.click();
  await page.locator('.article [aria-pressed="true"]').waitFor();
  await page.screenshot({ path: OUTPUT, fullPage: true });
  console.log(`wrote ${OUTPUT}`);
} finally {
  await browser.close();
  server.close();
}
