/**
 * End to end: the real server (`src/server.ts` on a temporary SQLite file) and its page in
 * headless Chromium, checked against the HTTP API. Outside CI, skipped with a message when
 * Chromium is not installed; under CI it always runs.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, type Chromium, launchChromium } from '../src/chromium.js';
import { readJson } from './read-json.js';
import { type RunningServer, startServer } from './start-server.js';

const skip = !existsSync(CHROMIUM_PATH) && !process.env.CI;
if (skip) {
  console.warn(
    `Skipping the page's end-to-end test: ${CHROMIUM_PATH} is missing (apt-get install chromium).`,
  );
}

const USER = 'reader';
const PASSWORD = 'pw';
const CONFLICT = 'This article was changed elsewhere — reloaded';

describe.skipIf(skip)('the reading-list page in Chromium', () => {
  let server: RunningServer;
  let browser: Chromium;
  let page: Page;

  /** A request to the API as the signed-in user. */
  function api(method: string, path: string, data?: object): Promise<Response> {
    return fetch(`${server.url}/v1${path}`, {
      method,
      headers: {
        Authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`,
        'Content-Type': 'application/json',
      },
      body: data ? JSON.stringify({ data }) : undefined,
    });
  }

  async function create(title: string, url: string, fields: object = {}) {
    const response = await api('POST', '/articles', { title, url, ...fields });
    expect(response.status).toBe(201);
    return (await readJson(response)).data;
  }

  /** The list item whose title link is `title`. */
  function article(title: string): Locator {
    return page
      .getByRole('listitem')
      .filter({ has: page.getByRole('link', { name: title, exact: true }) });
  }

  async function shownTitles(): Promise<string[]> {
    return page.locator('.article h3').allTextContents();
  }

  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(server.url);
    await page.getByLabel('User name').fill(USER);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Your list is empty').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('is served at / with its script and style sheet', async () => {
    const html = await fetch(`${server.url}/`);
    expect(html.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    expect(await html.text()).toContain('<script type="module" src="/app.js">');
    expect((await fetch(`${server.url}/app.js`)).headers.get('Content-Type')).toBe(
      'text/javascript; charset=utf-8',
    );
    expect((await fetch(`${server.url}/style.css`)).headers.get('Content-Type')).toBe(
      'text/css; charset=utf-8',
    );
    await expect(page.locator('#account-name').textContent()).resolves.toBe(USER);
  });

  it('adds an article, marks it read and deletes it', async () => {
    await page.getByLabel('Title').fill('Added from the page');
    await page.getByLabel('URL').fill('https://example.com/from-the-page');
    await page.getByRole('button', { name: 'Add' }).click();
    const item = article('Added from the page');
    await item.waitFor();
    await expect(item.textContent()).resolves.toContain('example.com');
    const [stored] = (await readJson(await api('GET', '/articles'))).data;
    expect(stored).toMatchObject({ title: 'Added from the page', unread: true });

    await item.getByRole('button', { name: 'Mark read' }).click();
    await item.getByRole('button', { name: 'Mark unread' }).waitFor();
    expect((await readJson(await api('GET', `/articles/${stored.id}`))).data.unread).toBe(false);

    await item.getByRole('button', { name: 'Favourite' }).click();
    await item.locator('[aria-pressed="true"]').waitFor();
    expect((await readJson(await api('GET', `/articles/${stored.id}`))).data.favorite).toBe(true);

    await item.getByRole('button', { name: 'Delete' }).click();
    await item.waitFor({ state: 'detached' });
    expect((await api('GET', `/articles/${stored.id}`)).status).toBe(404);
  });

  it('shows what another client adds and deletes, without a reload', async () => {
    // A page expression (the test has no DOM types): a mark that a reload would wipe.
    await page.evaluate('window.notReloaded = true');
    const created = await create('Added with curl', 'https://example.com/curl');
    await article('Added with curl').waitFor({ timeout: 6000 });
    expect((await api('DELETE', `/articles/${created.id}`)).status).toBe(200);
    await article('Added with curl').waitFor({ state: 'detached', timeout: 6000 });
    expect(await page.evaluate("'notReloaded' in window")).toBe(true);
  });

  it('shows the API errors next to the form', async () => {
    await page.getByLabel('Title').fill('');
    await page.getByLabel('URL').fill('ftp://example.com/file');
    await page.getByRole('button', { name: 'Add' }).click();
    await page.locator('#title-error', { hasText: 'must not be empty' }).waitFor();
    await page.locator('#url-error', { hasText: 'must be an http or https URL' }).waitFor();
    expect(await page.getByLabel('URL').getAttribute('aria-invalid')).toBe('true');

    await create('Already here', 'https://example.com/twice');
    await page.getByLabel('Title').fill('Same URL');
    await page.getByLabel('URL').fill('https://example.com/twice');
    await page.getByRole('button', { name: 'Add' }).click();
    await page
      .locator('#url-error', { hasText: 'Already in your list as “Already here”.' })
      .waitFor();
    expect(await page.locator('#title-error').textContent()).toBe('');
  });

  it('filters and sorts through the API', async () => {
    await create('Banana bread', 'https://example.com/banana', { favorite: true });
    await create('Apple pie', 'https://example.com/apple', { unread: false });
    await create('Cherry tart', 'https://example.com/cherry');
    await article('Cherry tart').waitFor({ timeout: 6000 });

    const sorted = page.waitForRequest((request) => request.url().includes('_sort=title'));
    await page.getByLabel('Sort by').selectOption('title');
    await sorted;
    await expect
      .poll(shownTitles)
      .toEqual(['Already here', 'Apple pie', 'Banana bread', 'Cherry tart']);

    const unread = page.waitForRequest((request) => request.url().includes('unread=true'));
    await page.locator('.filters label', { hasText: 'Unread' }).click();
    await unread;
    await expect.poll(shownTitles).toEqual(['Already here', 'Banana bread', 'Cherry tart']);

    const favorites = page.waitForRequest((request) => request.url().includes('favorite=true'));
    await page.locator('.filters label', { hasText: 'Favourites' }).click();
    await favorites;
    await expect.poll(shownTitles).toEqual(['Banana bread']);

    await page.locator('.filters label', { hasText: 'All' }).click();
    await page.getByLabel('Sort by').selectOption('oldest');
    await expect
      .poll(shownTitles)
      .toEqual(['Already here', 'Banana bread', 'Apple pie', 'Cherry tart']);
  });

  it('says so on a conflict (412) and shows the article as changed elsewhere', async () => {
    const created = await create('Edited twice', 'https://example.com/conflict');
    await article('Edited twice').waitFor({ timeout: 6000 });
    // Answer the polls "nothing changed", so that the page keeps the version it has. Once one
    // poll has been answered so, no earlier poll is still on its way (they run one at a time).
    const polls = (url: URL) => url.searchParams.has('_since');
    let held = 0;
    await page.route(polls, (route) => {
      held++;
      return route.fulfill({ status: 304 });
    });
    await expect.poll(() => held, { timeout: 5000 }).toBeGreaterThan(0);
    try {
      const patched = await api('PATCH', `/articles/${created.id}`, { title: 'Edited elsewhere' });
      expect(patched.status).toBe(200);
      await article('Edited twice').getByRole('button', { name: 'Mark read' }).click();
      await page.locator('#message', { hasText: CONFLICT }).waitFor();
      const item = article('Edited elsewhere');
      await item.getByRole('button', { name: 'Mark read' }).waitFor();
      expect(await article('Edited twice').count()).toBe(0);
      const stored = (await readJson(await api('GET', `/articles/${created.id}`))).data;
      expect(stored).toMatchObject({ title: 'Edited elsewhere', unread: true });
    } finally {
      await page.unroute(polls);
    }
  });

  it('keeps the session across a reload, and forgets it on sign out', async () => {
    await page.reload();
    await article('Edited elsewhere').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.locator('.article').count()).toBe(0);
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });
});
