/**
 * The calls of the storage (a record by id, a timestamp, a count, a list, a write of one
 * record) run their statements at once when no transaction is open and no call waits for the
 * connection; otherwise they take their turn like every other call.
 */
import { join } from 'node:path';
import type { StorageSession } from '@pawl/core';
import { type QueryLog, type SqliteBackends, sqlite } from '@pawl/sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { deferred, pending, temporaryDirectory } from './helpers.js';

const directory = temporaryDirectory();
const notes = { resource: 'notes', parentId: '' };
const open: SqliteBackends[] = [];
let fileNumber = 0;

function backends(log?: (query: QueryLog) => void): SqliteBackends {
  const opened = sqlite({ path: join(directory, `turns-${fileNumber++}.db`), log });
  open.push(opened);
  return opened;
}

afterEach(async () => {
  await Promise.all(
    open
      .splice(0)
      .map(({ storage, permission, cache }) =>
        Promise.all([storage.close(), permission.close(), cache.close()]),
      ),
  );
});

describe('fixed-shape storage calls', () => {
  it("made outside, wait for another request's transaction and never see its writes", async () => {
    const { storage } = backends();
    await storage.put(notes, { id: 'kept' });
    const before = await storage.timestamp(notes);
    const inside = deferred();
    const release = deferred();
    const transaction = storage.transaction(async (session) => {
      await session.put(notes, { id: 'a' });
      await session.delete(notes, 'kept');
      inside.resolve();
      await release.promise;
      throw new Error('rolled back');
    });
    await inside.promise;

    const read = storage.get(notes, 'kept');
    const stamped = storage.timestamp(notes);
    const counted = storage.count(notes, { filters: [] });
    const written = storage.put(notes, { id: 'b' });
    const removed = storage.delete(notes, 'kept');
    for (const call of [read, stamped, counted, written, removed]) {
      expect(await pending(call)).toBe(true);
    }

    release.resolve();
    await expect(transaction).rejects.toThrow('rolled back');
    expect(await read).toMatchObject({ id: 'kept' });
    expect(await stamped).toBe(before);
    expect(await counted).toBe(1);
    expect((await written).last_modified).toBeGreaterThan(before);
    expect(await removed).toMatchObject({ id: 'kept', deleted: true });
    expect(await storage.get(notes, 'a')).toBeNull();
    expect(await storage.get(notes, 'b')).not.toBeNull();
    expect(await storage.count(notes, { filters: [] })).toBe(1);
  });

  it('made after a transaction that waits for the connection, run after it', async () => {
    const { storage, permission } = backends();
    const written = storage.transaction(async (session) => {
      await session.put(notes, { id: 'a' });
    });
    // Not awaited: the transaction has not begun yet, and the read must not overtake it.
    const read = storage.get(notes, 'a');
    const granted = permission.set('/notes/a', { read: ['alice'] });
    const permissions = permission.get(['/notes/a']);
    await written;
    expect(await read).toMatchObject({ id: 'a' });
    await granted;
    expect((await permissions).size).toBe(1);
    // A write made while the connection is free is done before the next call starts.
    const put = storage.put(notes, { id: 'b' });
    expect(await storage.get(notes, 'b')).toMatchObject({ id: 'b' });
    await put;
  });

  it('of a session used after its transaction ended, wait like any other call', async () => {
    const { storage } = backends();
    let leaked: StorageSession | undefined;
    await storage.transaction(async (session) => {
      leaked = session;
    });
    const inside = deferred();
    const release = deferred();
    const other = storage.transaction(async (session) => {
      await session.put(notes, { id: 'other' });
      inside.resolve();
      await release.promise;
      throw new Error('rolled back');
    });
    await inside.promise;
    const late = leaked?.put(notes, { id: 'late' });
    expect(await pending(late ?? Promise.reject())).toBe(true);
    release.resolve();
    await expect(other).rejects.toThrow('rolled back');
    await late;
    // The late write did not join the rolled-back transaction: it is there, on its own.
    expect(await storage.get(notes, 'late')).not.toBeNull();
    expect(await storage.get(notes, 'other')).toBeNull();
  });

  it('are logged with the SQL kysely compiles for them, a write in a transaction', async () => {
    const statements: QueryLog[] = [];
    const { storage } = backends((query) => statements.push(query));
    statements.length = 0; // What opening the storage ran.
    await storage.put(notes, { id: 'a', n: 1 });
    await storage.get(notes, 'a');
    await storage.timestamp(notes);
    expect(statements.map((statement) => statement.sql.split(' ').slice(0, 3).join(' '))).toEqual([
      'BEGIN IMMEDIATE',
      'select "last_modified" from',
      'insert into "timestamps"',
      'insert into "records"',
      'COMMIT',
      'select "r"."id", "r"."last_modified",',
      'select "last_modified" from',
    ]);
    expect(statements[3]?.parameters).toEqual([
      'notes',
      '',
      'a',
      expect.any(Number),
      0,
      '{"n":1}',
      expect.any(Number),
      0,
      '{"n":1}',
    ]);
  });
});

describe('lists and filtered counts', () => {
  const filters = [{ path: ['n'], operator: 'gt' as const, value: 0 }];

  it("made outside, wait for another request's transaction and never see its writes", async () => {
    const { storage } = backends();
    await storage.put(notes, { id: 'kept', n: 1 });
    const inside = deferred();
    const release = deferred();
    const transaction = storage.transaction(async (session) => {
      await session.put(notes, { id: 'a', n: 2 });
      inside.resolve();
      await release.promise;
      throw new Error('rolled back');
    });
    await inside.promise;
    const listed = storage.list(notes, { filters, sort: [{ path: ['id'], direction: 'asc' }] });
    const counted = storage.count(notes, { filters });
    expect(await pending(listed)).toBe(true);
    expect(await pending(counted)).toBe(true);
    release.resolve();
    await expect(transaction).rejects.toThrow('rolled back');
    expect((await listed).map((item) => item.id)).toEqual(['kept']);
    expect(await counted).toBe(1);
  });

  it('made inside a transaction, on the storage itself, see its writes at once', async () => {
    const { storage } = backends();
    const seen = await storage.transaction(async (session) => {
      await session.put(notes, { id: 'a', n: 1 });
      const listed = await storage.list(notes, { filters, sort: [] });
      return { ids: listed.map((item) => item.id), count: await storage.count(notes, { filters }) };
    });
    expect(seen).toEqual({ ids: ['a'], count: 1 });
  });
});
