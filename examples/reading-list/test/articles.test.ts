import { describe, expect, it } from 'vitest';
import { createReadingList } from '../src/app.js';
import { readJson } from './read-json.js';

const alice = `Basic ${Buffer.from('alice:secret').toString('base64')}`;

function app() {
  return createReadingList({ userIdHmacSecret: 'test-secret' });
}

async function post(target: ReturnType<typeof app>, data: unknown) {
  return target.request('/v1/articles', {
    method: 'POST',
    headers: { Authorization: alice, 'Content-Type': 'application/json' },
    body: JSON.stringify({ data }),
  });
}

describe('reading list articles', () => {
  it('fills the defaults and sets stored_on on creation', async () => {
    const target = app();
    const before = Date.now();
    const response = await post(target, { title: 'Pawl', url: 'https://example.com/a' });
    expect(response.status).toBe(201);
    const { data } = await readJson(response);
    expect(data).toMatchObject({ unread: true, favorite: false, read_position: 0 });
    expect(data.stored_on).toBeGreaterThanOrEqual(before);
  });

  it('refuses a stored_on chosen by the client', async () => {
    const response = await post(app(), {
      title: 'Pawl',
      url: 'https://example.com/a',
      stored_on: 1,
    });
    expect(response.status).toBe(400);
    expect((await readJson(response)).details[0].name).toBe('stored_on');
  });

  it('keeps stored_on when a replacement leaves it out', async () => {
    const target = app();
    const created = (
      await readJson(await post(target, { title: 'Pawl', url: 'https://example.com/a' }))
    ).data;
    const response = await target.request(`/v1/articles/${created.id}`, {
      method: 'PUT',
      headers: { Authorization: alice, 'Content-Type': 'application/json' },
      body: JSON.stringify({ data: { title: 'Renamed', url: 'https://example.com/a' } }),
    });
    expect(response.status).toBe(200);
    expect((await readJson(response)).data.stored_on).toBe(created.stored_on);
  });

  it('answers 409 for a url already in the list', async () => {
    const target = app();
    await post(target, { title: 'One', url: 'https://example.com/same' });
    const response = await post(target, { title: 'Two', url: 'https://example.com/same' });
    expect(response.status).toBe(409);
    expect(await readJson(response)).toMatchObject({ errno: 122, details: { field: 'url' } });
  });

  it('rejects non-http URLs, empty titles and negative positions, naming each field', async () => {
    const response = await post(app(), {
      title: '',
      url: 'ftp://example.com/x',
      read_position: -1,
    });
    expect(response.status).toBe(400);
    const body = await readJson(response);
    expect(body.errno).toBe(109);
    const names = body.details.map((detail: { name: string }) => detail.name);
    expect(names).toEqual(expect.arrayContaining(['title', 'url', 'read_position']));
  });

  it('rejects fields outside the schema', async () => {
    const response = await post(app(), {
      title: 'Pawl',
      url: 'https://example.com/a',
      colour: 'red',
    });
    expect(response.status).toBe(400);
    expect((await readJson(response)).details[0].name).toBe('colour');
  });
});
