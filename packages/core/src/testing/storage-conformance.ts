/**
 * The storage backend conformance suite: the executable form of the contract in
 * `storage/types.ts`. Every backend runs it unchanged from one of its test files.
 *
 * Tests are isolated by writing to fresh, randomly named collections, so `create` may
 * return one shared backend or a new one each time.
 *
 * @module
 */

import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, type TestContext } from 'vitest';
import { compareBySort, getPath } from '../storage/json-order.js';
import type {
  CollectionRef,
  Filter,
  FilterOperator,
  JsonValue,
  ListQuery,
  RecordFields,
  Sort,
  StorageBackend,
  StoredRecord,
  Tombstone,
} from '../storage/types.js';
import { exerciseHostileFieldNames } from './hostile-field-queries.js';

export interface StorageConformanceOptions {
  /** Shown in the suite's title. */
  readonly name: string;
  /** Gives the backend for one test: a new one, or a shared one with a `cleanup` that keeps it. */
  readonly create: () => Promise<StorageBackend> | StorageBackend;
  /** Runs after each test with the backend `create` gave; defaults to `backend.close()`. */
  readonly cleanup?: (backend: StorageBackend) => Promise<void>;
  /** Tests (by name) that the backend knowingly fails, and why. */
  readonly skip?: ReadonlyArray<{ readonly reason: string; readonly tests: readonly string[] }>;
}

type NewRecord = RecordFields & { id: string };
type Item = StoredRecord | Tombstone;
type TestBody = (context: TestContext) => Promise<void>;

const NO_TRANSACTIONS = 'the backend has no atomic, isolated transactions';

/** A sort key from a dotted field name, `-` first meaning descending. */
function sortKey(field: string): Sort {
  const descending = field.startsWith('-');
  const name = descending ? field.slice(1) : field;
  return { path: name.split('.'), direction: descending ? 'desc' : 'asc' };
}

function sortBy(...fields: string[]): Sort[] {
  return fields.map(sortKey);
}

/** A filter on a dotted field name, or on an explicit path. */
function where(field: string | string[], operator: FilterOperator, value: JsonValue): Filter {
  return { path: typeof field === 'string' ? field.split('.') : field, operator, value };
}

const BY_ID = sortBy('id');

function ids(items: readonly Item[]): string[] {
  return items.map((item) => item.id);
}

/** The keyset position of `item` for `sort`. */
function positionOf(item: Item, sort: readonly Sort[]): JsonValue[] {
  return sort.map(({ path }) => getPath(item, path) ?? null);
}

/** `prefix` and a two-digit number, so that ids sort like the numbers. */
function numbered(prefix: string, n: number): string {
  return `${prefix}${String(n).padStart(2, '0')}`;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** Six records covering every JSON type, missing fields and `null`, for the filter tests. */
const FILTER_FIXTURE: NewRecord[] = [
  {
    id: 'r1',
    num: 1,
    score: 1,
    str: 'apple',
    flag: true,
    maybe: null,
    tags: ['red', 'green'],
    author: { name: 'Ann', age: 30 },
  },
  {
    id: 'r2',
    num: 2,
    score: 2.5,
    str: 'Banana',
    flag: false,
    maybe: 'x',
    tags: ['yellow'],
    author: { name: 'bob', age: 25 },
  },
  { id: 'r3', num: 10, score: 10, str: 'cherry pie', tags: [], author: { name: 'Cid' } },
  { id: 'r4', num: '1', score: -3, str: 'a.b(c)', flag: 1, tags: ['red', 1, true], author: 'flat' },
  { id: 'r5', num: null, score: null, str: null, flag: null, tags: 'red', author: null },
  { id: 'r6' },
];
const FIXTURE_IDS = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'];

/** Field names that must be plain data to every backend: no injection, no prototype access. */
const HOSTILE_NAMES = [
  "a'); DROP TABLE x;--",
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '"',
  "'",
  '\\',
  '`',
  '$',
  '$.a',
  '@>',
  '[0]',
  '0',
  '',
  ' ',
  '*',
  '%',
  '?',
  'é',
  '🙂',
  'キー',
];

/** Every operator with a value, and whether it matches a record lacking the field. */
const OPERATOR_SAMPLES: ReadonlyArray<[FilterOperator, JsonValue, boolean]> = [
  ['eq', 1, false],
  ['not', 1, true],
  ['lt', 1, false],
  ['gt', 1, false],
  ['min', 1, false],
  ['max', 1, false],
  ['in', [1, 'a', null], false],
  ['exclude', [1, 'a', null], true],
  ['has', true, false],
  ['has', false, true],
  ['like', 'a', false],
  ['contains', ['a'], false],
  ['contains_any', ['a'], false],
];

/**
 * Twenty-three records with duplicate, missing and `null` sort values, written in an order
 * unrelated to their ids so that `last_modified` order differs from `id` order.
 */
function paginationFixture(): NewRecord[] {
  const groups = ['a', 'b', null, 'c', undefined];
  const titles = ['x', 'X', 'é', '😀', 'ｚ', 'x'];
  return Array.from({ length: 23 }, (_, n) => {
    const i = (n * 7) % 23;
    const record: NewRecord = { id: numbered('p', i), score: i % 4 };
    const group = groups[i % 5];
    if (group !== undefined) record.group = group;
    if (i % 3 === 0) record.flag = i % 2 === 0;
    if (i % 7 !== 3) record.nested = { rank: (i * 5) % 6 };
    if (i % 4 !== 1) record.title = titles[i % 6] ?? null;
    return record;
  });
}

/** Registers the conformance suite for one backend with vitest. */
export function runStorageConformance(options: StorageConformanceOptions): void {
  const skipped = new Map<string, string>();
  for (const { reason, tests } of options.skip ?? []) {
    for (const name of tests) skipped.set(name, reason);
  }
  const registered = new Set<string>();

  /** `it`, honouring `options.skip`; names are unique so that `skip` can refer to them. */
  function test(name: string, body: TestBody): void {
    if (registered.has(name)) throw new Error(`Duplicate conformance test name: ${name}`);
    registered.add(name);
    const reason = skipped.get(name);
    if (reason === undefined) it(name, body);
    else it.skip(`${name} (skipped: ${reason})`, body);
  }

  let backend: StorageBackend;
  let collection: CollectionRef;

  /** A collection no other test uses. */
  function fresh(parentId = ''): CollectionRef {
    return { resource: `conformance_${randomUUID().replaceAll('-', '')}`, parentId };
  }

  async function seed(records: readonly NewRecord[], ref = collection): Promise<StoredRecord[]> {
    const stored: StoredRecord[] = [];
    for (const record of records) stored.push(await backend.put(ref, record));
    return stored;
  }

  /** Ids of the live records matching all `filters`, in id order. */
  async function matching(...filters: Filter[]): Promise<string[]> {
    return ids(await backend.list(collection, { filters, sort: BY_ID }));
  }

  async function sortedIds(sort: readonly Sort[], ref = collection): Promise<string[]> {
    return ids(await backend.list(ref, { filters: [], sort }));
  }

  /** Lists `query` page by page, each page starting after the last item of the previous one. */
  async function walk(query: ListQuery, pageSize: number, between?: () => Promise<void>) {
    const seen: string[] = [];
    let after: JsonValue[] | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = await backend.list(collection, { ...query, after, limit: pageSize });
      seen.push(...ids(page));
      const last = page.at(-1);
      if (!last || page.length < pageSize) return seen;
      after = positionOf(last, query.sort);
      await between?.();
    }
    throw new Error('Pagination does not end');
  }

  /** Every item of the collection with the collection timestamp, to compare states. */
  async function snapshot(ref = collection) {
    const items = await backend.list(ref, { filters: [], sort: BY_ID, includeDeleted: true });
    return { items, timestamp: await backend.timestamp(ref) };
  }

  describe(`storage conformance: ${options.name}`, () => {
    beforeEach(async () => {
      backend = await options.create();
      collection = fresh();
    });

    afterEach(async () => {
      await (options.cleanup ? options.cleanup(backend) : backend.close());
    });

    describe('records', () => {
      test('get returns null for an unknown id', async () => {
        expect(await backend.get(collection, 'nope')).toBeNull();
      });

      test('put returns the record with its fields and a numeric last_modified', async () => {
        const stored = await backend.put(collection, { id: 'a', title: 'Dune' });
        expect(stored).toEqual({ id: 'a', title: 'Dune', last_modified: expect.any(Number) });
      });

      test('get returns the record exactly as put stored it', async () => {
        const stored = await backend.put(collection, { id: 'a', title: 'Dune' });
        expect(await backend.get(collection, 'a')).toStrictEqual(stored);
      });

      test('put stores every kind of JSON value faithfully', async () => {
        const record: NewRecord = {
          id: 'a',
          text: 'héllo 😀 "quoted" \\ \n',
          empty: '',
          integer: -42,
          float: 3.25,
          large: Number.MAX_SAFE_INTEGER,
          yes: true,
          no: false,
          nothing: null,
          list: [1, 'two', [3], { four: 4 }, null],
          emptyList: [],
          object: { nested: { deeper: ['x'] }, 'dotted.key': 1 },
          emptyObject: {},
        };
        await backend.put(collection, record);
        expect(await backend.get(collection, 'a')).toEqual({
          ...record,
          last_modified: expect.any(Number),
        });
      });

      test('put replaces every field instead of merging', async () => {
        await backend.put(collection, { id: 'a', title: 'Dune', year: 1965 });
        await backend.put(collection, { id: 'a', author: 'Herbert' });
        const record = await backend.get(collection, 'a');
        expect(record).toEqual({ id: 'a', author: 'Herbert', last_modified: expect.any(Number) });
      });

      test('a last_modified in the record body does not force the timestamp', async () => {
        const previous = await backend.put(collection, { id: 'a' });
        const stored = await backend.put(collection, { id: 'b', last_modified: 1 });
        expect(stored.last_modified).toBeGreaterThan(previous.last_modified);
        expect((await backend.get(collection, 'b'))?.last_modified).toBe(stored.last_modified);
      });

      test('delete returns a tombstone with exactly id, last_modified and deleted', async () => {
        const stored = await backend.put(collection, { id: 'a', title: 'Dune' });
        const tombstone = await backend.delete(collection, 'a');
        expect(tombstone).toStrictEqual({
          id: 'a',
          last_modified: expect.any(Number),
          deleted: true,
        });
        expect(tombstone?.last_modified).toBeGreaterThan(stored.last_modified);
      });

      test('get returns null after delete', async () => {
        await backend.put(collection, { id: 'a' });
        await backend.delete(collection, 'a');
        expect(await backend.get(collection, 'a')).toBeNull();
      });

      test('delete of an unknown id returns null', async () => {
        expect(await backend.delete(collection, 'nope')).toBeNull();
      });

      test('delete of an already deleted record returns null', async () => {
        await backend.put(collection, { id: 'a' });
        await backend.delete(collection, 'a');
        expect(await backend.delete(collection, 'a')).toBeNull();
      });

      test('put over a tombstone revives the record', async () => {
        await backend.put(collection, { id: 'a', title: 'old' });
        const tombstone = await backend.delete(collection, 'a');
        const revived = await backend.put(collection, { id: 'a', title: 'new' });
        expect(revived.last_modified).toBeGreaterThan(tombstone?.last_modified ?? Infinity);
        expect(await backend.get(collection, 'a')).toStrictEqual(revived);
        const items = await backend.list(collection, {
          filters: [],
          sort: BY_ID,
          includeDeleted: true,
        });
        expect(items).toStrictEqual([revived]);
      });

      test('a field named deleted does not turn a record into a tombstone', async () => {
        const stored = await backend.put(collection, { id: 'a', deleted: true });
        expect(await backend.get(collection, 'a')).toStrictEqual(stored);
        expect(await backend.list(collection, { filters: [], sort: BY_ID })).toStrictEqual([
          stored,
        ]);
        expect(await backend.delete(collection, 'a')).toMatchObject({ id: 'a', deleted: true });
      });

      test('ids are opaque strings compared exactly', async () => {
        const odd = ["a'b", 'A', 'a', 'a ', 'é', 'e\u0301', '😀', 'x/y', '%', '_'];
        await seed(odd.map((id) => ({ id, value: id })));
        for (const id of odd) expect((await backend.get(collection, id))?.value).toBe(id);
        expect(await backend.count(collection, { filters: [] })).toBe(odd.length);
      });
    });

    describe('timestamps', () => {
      test('each write gets a timestamp greater than the previous one', async () => {
        const first = await backend.put(collection, { id: 'a' });
        const second = await backend.put(collection, { id: 'b' });
        const third = await backend.put(collection, { id: 'a', changed: true });
        const fourth = await backend.delete(collection, 'b');
        expect(second.last_modified).toBeGreaterThan(first.last_modified);
        expect(third.last_modified).toBeGreaterThan(second.last_modified);
        expect(fourth?.last_modified).toBeGreaterThan(third.last_modified);
      });

      test('200 writes in a tight loop get strictly increasing timestamps', async () => {
        const stamps: number[] = [];
        for (let i = 0; i < 200; i++) {
          stamps.push((await backend.put(collection, { id: `r${i % 50}`, i })).last_modified);
        }
        for (let i = 1; i < stamps.length; i++) {
          expect(stamps[i]).toBeGreaterThan(stamps[i - 1] ?? Infinity);
        }
      });

      test('200 concurrent writes get distinct timestamps', async () => {
        const writes = Array.from({ length: 200 }, (_, i) =>
          backend.put(collection, { id: `r${i}` }),
        );
        const stamps = (await Promise.all(writes)).map((record) => record.last_modified);
        expect(new Set(stamps).size).toBe(200);
        expect(await backend.timestamp(collection)).toBe(Math.max(...stamps));
      });

      test('the collection timestamp is the last write timestamp', async () => {
        await backend.put(collection, { id: 'a' });
        const put = await backend.put(collection, { id: 'b' });
        expect(await backend.timestamp(collection)).toBe(put.last_modified);
        const tombstone = await backend.delete(collection, 'a');
        expect(await backend.timestamp(collection)).toBe(tombstone?.last_modified);
      });

      test('the timestamp of a never-written collection is stable across calls', async () => {
        const first = await backend.timestamp(collection);
        await new Promise((resolve) => setTimeout(resolve, 5));
        expect(await backend.timestamp(collection)).toBe(first);
      });

      test('the first write gets a timestamp above the empty collection timestamp', async () => {
        const empty = await backend.timestamp(collection);
        const stored = await backend.put(collection, { id: 'a' });
        expect(stored.last_modified).toBeGreaterThan(empty);
        expect(await backend.timestamp(collection)).toBe(stored.last_modified);
      });

      test('reads and failed deletes leave the collection timestamp alone', async () => {
        await backend.put(collection, { id: 'a' });
        const before = await backend.timestamp(collection);
        await backend.get(collection, 'a');
        await backend.list(collection, { filters: [], sort: BY_ID });
        await backend.count(collection, { filters: [] });
        await backend.delete(collection, 'nope');
        expect(await backend.timestamp(collection)).toBe(before);
      });

      test('timestamps are integer milliseconds near the current time', async () => {
        const { last_modified } = await backend.put(collection, { id: 'a' });
        const day = 24 * 60 * 60 * 1000;
        expect(Number.isInteger(last_modified)).toBe(true);
        expect(Math.abs(last_modified - Date.now())).toBeLessThan(day);
      });
    });

    describe('collections', () => {
      test('the same id lives independently in different resources', async () => {
        const other = fresh();
        await backend.put(collection, { id: 'a', where: 'first' });
        await backend.put(other, { id: 'a', where: 'second' });
        await backend.delete(other, 'a');
        expect((await backend.get(collection, 'a'))?.where).toBe('first');
        expect(await backend.get(other, 'a')).toBeNull();
      });

      test('the same id lives independently under different parents', async () => {
        const alice = { resource: collection.resource, parentId: 'alice' };
        const bob = { resource: collection.resource, parentId: 'bob' };
        await backend.put(alice, { id: 'a', owner: 'alice' });
        await backend.put(bob, { id: 'a', owner: 'bob' });
        expect((await backend.get(alice, 'a'))?.owner).toBe('alice');
        expect((await backend.get(bob, 'a'))?.owner).toBe('bob');
        expect(await backend.get(collection, 'a')).toBeNull();
      });

      test('list and count see only their own collection', async () => {
        const sibling = { resource: collection.resource, parentId: 'other' };
        await seed([{ id: 'a' }, { id: 'b' }]);
        await seed([{ id: 'c' }], sibling);
        await backend.delete(sibling, 'c');
        expect(await sortedIds(BY_ID)).toEqual(['a', 'b']);
        expect(await backend.count(collection, { filters: [], includeDeleted: true })).toBe(2);
        expect(await backend.count(sibling, { filters: [] })).toBe(0);
      });

      test('writes to one collection leave the timestamp of another alone', async () => {
        const other = fresh();
        await backend.put(other, { id: 'a' });
        const before = await backend.timestamp(other);
        await seed([{ id: 'a' }, { id: 'b' }]);
        await backend.delete(collection, 'a');
        expect(await backend.timestamp(other)).toBe(before);
      });
    });

    describe('forced timestamps', () => {
      test('a forced future timestamp becomes the collection timestamp', async () => {
        await backend.put(collection, { id: 'a' });
        const forced = (await backend.timestamp(collection)) + 100_000;
        const stored = await backend.put(collection, { id: 'b' }, { lastModified: forced });
        expect(stored.last_modified).toBe(forced);
        expect((await backend.get(collection, 'b'))?.last_modified).toBe(forced);
        expect(await backend.timestamp(collection)).toBe(forced);
      });

      test('a forced past timestamp is kept while the collection timestamp increases', async () => {
        const first = await backend.put(collection, { id: 'a' });
        const second = await backend.put(collection, { id: 'b' });
        const forced = first.last_modified - 1000;
        const stored = await backend.put(collection, { id: 'c' }, { lastModified: forced });
        expect(stored.last_modified).toBe(forced);
        expect((await backend.get(collection, 'c'))?.last_modified).toBe(forced);
        expect(await backend.timestamp(collection)).toBeGreaterThan(second.last_modified);
      });

      test('a write after a forced future timestamp gets a greater one', async () => {
        const forced = (await backend.timestamp(collection)) + 100_000;
        await backend.put(collection, { id: 'a' }, { lastModified: forced });
        const next = await backend.put(collection, { id: 'b' });
        expect(next.last_modified).toBeGreaterThan(forced);
      });

      test('delete with a forced timestamp gives it to the tombstone', async () => {
        const stored = await backend.put(collection, { id: 'a' });
        const forced = stored.last_modified + 100_000;
        const tombstone = await backend.delete(collection, 'a', { lastModified: forced });
        expect(tombstone).toStrictEqual({ id: 'a', last_modified: forced, deleted: true });
        expect(await backend.timestamp(collection)).toBe(forced);
      });
    });

    describe('filters', () => {
      beforeEach(async () => {
        await seed(FILTER_FIXTURE);
      });

      test('no filters match every record', async () => {
        expect(await matching()).toEqual(FIXTURE_IDS);
      });

      test('eq is type-strict on numbers and strings', async () => {
        expect(await matching(where('num', 'eq', 1))).toEqual(['r1']);
        expect(await matching(where('num', 'eq', '1'))).toEqual(['r4']);
      });

      test('eq is type-strict on booleans', async () => {
        expect(await matching(where('flag', 'eq', true))).toEqual(['r1']);
        expect(await matching(where('flag', 'eq', false))).toEqual(['r2']);
        expect(await matching(where('flag', 'eq', 1))).toEqual(['r4']);
      });

      test('eq on strings is case-sensitive', async () => {
        expect(await matching(where('str', 'eq', 'banana'))).toEqual([]);
        expect(await matching(where('str', 'eq', 'Banana'))).toEqual(['r2']);
      });

      test('eq null matches null fields but not missing ones', async () => {
        expect(await matching(where('num', 'eq', null))).toEqual(['r5']);
        expect(await matching(where('maybe', 'eq', null))).toEqual(['r1']);
      });

      test('eq compares arrays in order and objects regardless of key order', async () => {
        expect(await matching(where('tags', 'eq', ['red', 'green']))).toEqual(['r1']);
        expect(await matching(where('tags', 'eq', ['green', 'red']))).toEqual([]);
        expect(await matching(where('tags', 'eq', []))).toEqual(['r3']);
        expect(await matching(where('author', 'eq', { age: 30, name: 'Ann' }))).toEqual(['r1']);
        expect(await matching(where('author', 'eq', { name: 'Ann' }))).toEqual([]);
      });

      test('eq works on nested fields', async () => {
        expect(await matching(where('author.name', 'eq', 'bob'))).toEqual(['r2']);
        expect(await matching(where('author.age', 'eq', 30))).toEqual(['r1']);
      });

      test('not matches other values, null and missing fields', async () => {
        expect(await matching(where('num', 'not', 1))).toEqual(['r2', 'r3', 'r4', 'r5', 'r6']);
        expect(await matching(where('num', 'not', null))).toEqual(['r1', 'r2', 'r3', 'r4', 'r6']);
      });

      test('not on a nested field matches records where the path does not resolve', async () => {
        expect(await matching(where('author.name', 'not', 'Ann'))).toEqual([
          'r2',
          'r3',
          'r4',
          'r5',
          'r6',
        ]);
      });

      test('lt, gt, min and max compare numbers numerically', async () => {
        expect(await matching(where('score', 'gt', 2))).toEqual(['r2', 'r3']);
        expect(await matching(where('score', 'lt', 2.5))).toEqual(['r1', 'r4']);
        expect(await matching(where('score', 'min', 2.5))).toEqual(['r2', 'r3']);
        expect(await matching(where('score', 'max', 1))).toEqual(['r1', 'r4']);
      });

      test('lt, gt, min and max compare strings by code point', async () => {
        expect(await matching(where('str', 'gt', 'b'))).toEqual(['r3']);
        expect(await matching(where('str', 'lt', 'b'))).toEqual(['r1', 'r2', 'r4']);
        expect(await matching(where('str', 'min', 'apple'))).toEqual(['r1', 'r3']);
        expect(await matching(where('str', 'max', 'apple'))).toEqual(['r1', 'r2', 'r4']);
      });

      test('range operators never match missing or null fields', async () => {
        expect(await matching(where('score', 'gt', -1000))).toEqual(['r1', 'r2', 'r3', 'r4']);
        expect(await matching(where('score', 'lt', 1000))).toEqual(['r1', 'r2', 'r3', 'r4']);
        expect(await matching(where('str', 'min', ''))).toEqual(['r1', 'r2', 'r3', 'r4']);
        expect(await matching(where('num', 'max', null))).toEqual([]);
      });

      test('range operators compare booleans with true before false', async () => {
        expect(await matching(where('flag', 'lt', false))).toEqual(['r1']);
        expect(await matching(where('flag', 'gt', true))).toEqual(['r2', 'r4']);
        expect(await matching(where('flag', 'max', false))).toEqual(['r1', 'r2']);
      });

      test('range operators compare across types in the canonical order', async () => {
        expect(await matching(where('num', 'gt', 5))).toEqual(['r3', 'r4']);
        expect(await matching(where('num', 'lt', '0'))).toEqual(['r1', 'r2', 'r3']);
        expect(await matching(where('flag', 'lt', 0))).toEqual(['r1', 'r2']);
        expect(await matching(where('tags', 'gt', 'zzz'))).toEqual(['r1', 'r2', 'r3', 'r4']);
      });

      test('range operators work on nested fields', async () => {
        expect(await matching(where('author.age', 'gt', 26))).toEqual(['r1']);
        expect(await matching(where('author.age', 'max', 25))).toEqual(['r2']);
      });

      test('in matches any listed value with strict types', async () => {
        expect(await matching(where('num', 'in', [1, '2', null]))).toEqual(['r1', 'r5']);
        expect(await matching(where('flag', 'in', [1, 'true']))).toEqual(['r4']);
      });

      test('in matches strings, nested fields and structured values', async () => {
        expect(await matching(where('str', 'in', ['apple', 'cherry pie', 'APPLE']))).toEqual([
          'r1',
          'r3',
        ]);
        expect(await matching(where('author.name', 'in', ['bob', 'Cid']))).toEqual(['r2', 'r3']);
        expect(await matching(where('tags', 'in', [['yellow'], []]))).toEqual(['r2', 'r3']);
      });

      test('in with an empty list matches nothing', async () => {
        expect(await matching(where('num', 'in', []))).toEqual([]);
      });

      test('exclude matches unlisted values and missing fields', async () => {
        expect(await matching(where('num', 'exclude', [1, null]))).toEqual([
          'r2',
          'r3',
          'r4',
          'r6',
        ]);
        expect(await matching(where('author.name', 'exclude', ['Ann', 'bob']))).toEqual([
          'r3',
          'r4',
          'r5',
          'r6',
        ]);
      });

      test('exclude with an empty list matches every record', async () => {
        expect(await matching(where('num', 'exclude', []))).toEqual(FIXTURE_IDS);
      });

      test('has true matches present fields, null included', async () => {
        expect(await matching(where('maybe', 'has', true))).toEqual(['r1', 'r2']);
        expect(await matching(where('flag', 'has', true))).toEqual(['r1', 'r2', 'r4', 'r5']);
      });

      test('has false matches records lacking the field', async () => {
        expect(await matching(where('maybe', 'has', false))).toEqual(['r3', 'r4', 'r5', 'r6']);
      });

      test('has works on nested fields', async () => {
        expect(await matching(where('author.age', 'has', true))).toEqual(['r1', 'r2']);
        expect(await matching(where('author.name', 'has', false))).toEqual(['r4', 'r5', 'r6']);
      });

      test('like without a wildcard matches anywhere in the string', async () => {
        expect(await matching(where('str', 'like', 'an'))).toEqual(['r2']);
        expect(await matching(where('str', 'like', 'e'))).toEqual(['r1', 'r3']);
        expect(await matching(where('str', 'like', ''))).toEqual(['r1', 'r2', 'r3', 'r4']);
      });

      test('like is ASCII case-insensitive', async () => {
        expect(await matching(where('str', 'like', 'BANANA'))).toEqual(['r2']);
        expect(await matching(where('str', 'like', 'aPpLe'))).toEqual(['r1']);
      });

      test('like with wildcards must match the whole string', async () => {
        expect(await matching(where('str', 'like', 'app*'))).toEqual(['r1']);
        expect(await matching(where('str', 'like', 'pie*'))).toEqual([]);
        expect(await matching(where('str', 'like', '*pie'))).toEqual(['r3']);
        expect(await matching(where('str', 'like', 'a*e'))).toEqual(['r1']);
        expect(await matching(where('str', 'like', 'c*y*e'))).toEqual(['r3']);
        expect(await matching(where('str', 'like', 'b*a'))).toEqual(['r2']);
        expect(await matching(where('str', 'like', '*a*'))).toEqual(['r1', 'r2', 'r4']);
        expect(await matching(where('str', 'like', '*'))).toEqual(['r1', 'r2', 'r3', 'r4']);
      });

      test('like only matches string fields', async () => {
        expect(await matching(where('num', 'like', '1'))).toEqual(['r4']);
        expect(await matching(where('flag', 'like', 'true'))).toEqual([]);
        expect(await matching(where('tags', 'like', 'red'))).toEqual(['r5']);
        expect(await matching(where('author', 'like', 'Ann'))).toEqual([]);
        expect(await matching(where('maybe', 'like', 'null'))).toEqual([]);
      });

      test('like works on nested fields', async () => {
        expect(await matching(where('author.name', 'like', 'O'))).toEqual(['r2']);
        expect(await matching(where('author.name', 'like', 'c*'))).toEqual(['r3']);
      });

      test('contains matches arrays holding a scalar value', async () => {
        expect(await matching(where('tags', 'contains', 'red'))).toEqual(['r1', 'r4']);
      });

      test('contains with a list requires every element', async () => {
        expect(await matching(where('tags', 'contains', ['green', 'red']))).toEqual(['r1']);
        expect(await matching(where('tags', 'contains', ['red', 'yellow']))).toEqual([]);
        expect(await matching(where('tags', 'contains', []))).toEqual(['r1', 'r2', 'r3', 'r4']);
      });

      test('contains is type-strict', async () => {
        expect(await matching(where('tags', 'contains', 1))).toEqual(['r4']);
        expect(await matching(where('tags', 'contains', '1'))).toEqual([]);
        expect(await matching(where('tags', 'contains', [true, 1]))).toEqual(['r4']);
        expect(await matching(where('tags', 'contains', 'true'))).toEqual([]);
      });

      test('contains_any matches arrays holding at least one element', async () => {
        expect(await matching(where('tags', 'contains_any', ['green', 'yellow']))).toEqual([
          'r1',
          'r2',
        ]);
        expect(await matching(where('tags', 'contains_any', ['nope', 1]))).toEqual(['r4']);
        expect(await matching(where('tags', 'contains_any', 'yellow'))).toEqual(['r2']);
        expect(await matching(where('tags', 'contains_any', []))).toEqual([]);
      });

      test('contains and contains_any never match non-array fields', async () => {
        expect(await matching(where('str', 'contains', 'apple'))).toEqual([]);
        expect(await matching(where('num', 'contains_any', [1, '1']))).toEqual([]);
        expect(await matching(where('author', 'contains_any', ['Ann']))).toEqual([]);
      });

      test('filters on id and last_modified', async () => {
        const r3 = await backend.get(collection, 'r3');
        expect(await matching(where('id', 'eq', 'r2'))).toEqual(['r2']);
        expect(await matching(where('id', 'in', ['r1', 'r6', 'zz']))).toEqual(['r1', 'r6']);
        expect(await matching(where('id', 'like', 'R*'))).toEqual(FIXTURE_IDS);
        expect(await matching(where('last_modified', 'gt', r3?.last_modified ?? null))).toEqual([
          'r4',
          'r5',
          'r6',
        ]);
      });

      test('several filters must all match', async () => {
        expect(await matching(where('score', 'gt', 0), where('str', 'like', 'a'))).toEqual([
          'r1',
          'r2',
        ]);
        expect(await matching(where('score', 'gt', 0), where('score', 'lt', 0))).toEqual([]);
      });
    });

    describe('filters on awkward values', () => {
      test('like treats regular-expression and SQL metacharacters literally', async () => {
        const texts = [
          '100%',
          'a_b',
          'axb',
          'back\\slash',
          '[x]',
          'what?',
          'a+b',
          '^$',
          'a.c',
          'abc',
          '(x)',
        ];
        await seed(texts.map((text, i) => ({ id: `t${i}`, text })));
        const like = async (value: string) => {
          const items = await backend.list(collection, {
            filters: [where('text', 'like', value)],
            sort: BY_ID,
          });
          return items.map((item) => (item as StoredRecord).text);
        };
        expect(await like('%')).toEqual(['100%']);
        expect(await like('_')).toEqual(['a_b']);
        expect(await like('\\')).toEqual(['back\\slash']);
        expect(await like('[x]')).toEqual(['[x]']);
        expect(await like('?')).toEqual(['what?']);
        expect(await like('+')).toEqual(['a+b']);
        expect(await like('^$')).toEqual(['^$']);
        expect(await like('.')).toEqual(['a.c']);
        expect(await like('(')).toEqual(['(x)']);
        expect(await like('a*.c')).toEqual(['a.c']);
      });

      test('like folds ASCII letters only', async () => {
        await seed([
          { id: 'upper', text: 'ÉCOLE' },
          { id: 'lower', text: 'école' },
        ]);
        expect(await matching(where('text', 'like', 'cole'))).toEqual(['lower', 'upper']);
        expect(await matching(where('text', 'like', 'école'))).toEqual(['lower']);
        expect(await matching(where('text', 'like', 'É*'))).toEqual(['upper']);
      });

      test('like wildcards span newlines', async () => {
        await backend.put(collection, { id: 'a', text: 'first\nsecond' });
        expect(await matching(where('text', 'like', 'first*second'))).toEqual(['a']);
        expect(await matching(where('text', 'like', 'T\nS'))).toEqual(['a']);
      });

      test('contains works on nested arrays and structured elements', async () => {
        await seed([
          { id: 'a', meta: { labels: ['x', { k: 1 }, [1, 2]] } },
          { id: 'b', meta: { labels: ['y'] } },
        ]);
        expect(await matching(where('meta.labels', 'contains', 'x'))).toEqual(['a']);
        expect(await matching(where('meta.labels', 'contains', [{ k: 1 }]))).toEqual(['a']);
        expect(await matching(where('meta.labels', 'contains', [[1, 2]]))).toEqual(['a']);
        expect(await matching(where('meta.labels', 'contains_any', ['y', 'x']))).toEqual([
          'a',
          'b',
        ]);
      });

      test('numbers compare numerically, not as text', async () => {
        await seed([9, 10, 100, -2, 0.5].map((n, i) => ({ id: `n${i}`, n })));
        expect(await matching(where('n', 'gt', 9))).toEqual(['n1', 'n2']);
        expect(await matching(where('n', 'min', 0))).toEqual(['n0', 'n1', 'n2', 'n4']);
        expect(await matching(where('n', 'eq', 0.5))).toEqual(['n4']);
      });
    });

    describe('hostile field names', () => {
      test('hostile field names in filters never throw and act as missing fields', async () => {
        await seed(FILTER_FIXTURE);
        for (const name of HOSTILE_NAMES) {
          for (const [operator, value, matchesMissing] of OPERATOR_SAMPLES) {
            const found = await matching(where([name], operator, value));
            expect(found, `${operator} on ${JSON.stringify(name)}`).toEqual(
              matchesMissing ? FIXTURE_IDS : [],
            );
          }
        }
      });

      test('hostile field names sort as missing fields', async () => {
        await seed(FILTER_FIXTURE);
        for (const name of HOSTILE_NAMES) {
          const asc: Sort[] = [{ path: [name], direction: 'asc' }, ...BY_ID];
          const desc: Sort[] = [{ path: [name, 'x'], direction: 'desc' }, ...BY_ID];
          expect(await sortedIds(asc), JSON.stringify(name)).toEqual(FIXTURE_IDS);
          expect(await sortedIds(desc), JSON.stringify(name)).toEqual(FIXTURE_IDS);
        }
      });

      test('hostile field names are stored, filtered and sorted like any other', async () => {
        const fields = Object.fromEntries(HOSTILE_NAMES.map((name) => [name, `v:${name}`]));
        await seed([{ id: 'plain' }, { id: 'hostile', ...fields, nested: { ...fields } }]);
        const stored = await backend.get(collection, 'hostile');
        for (const name of HOSTILE_NAMES) {
          const label = JSON.stringify(name);
          expect(stored && getPath(stored, [name]), label).toBe(`v:${name}`);
          expect(await matching(where([name], 'eq', `v:${name}`)), label).toEqual(['hostile']);
          expect(await matching(where(['nested', name], 'like', 'V:')), label).toEqual(['hostile']);
          expect(await matching(where([name], 'has', false)), label).toEqual(['plain']);
          expect(await sortedIds([{ path: [name], direction: 'desc' }, ...BY_ID]), label).toEqual([
            'hostile',
            'plain',
          ]);
        }
      });

      test('hostile field names at any depth, in every operator and keyset position', async () => {
        await exerciseHostileFieldNames(backend, collection);
      });

      test('paths never resolve through prototypes, strings or arrays', async () => {
        await seed(FILTER_FIXTURE);
        expect(await matching(where(['constructor', 'name'], 'eq', 'Object'))).toEqual([]);
        expect(await matching(where(['__proto__', 'toString'], 'has', true))).toEqual([]);
        expect(await matching(where(['author', 'constructor'], 'has', true))).toEqual([]);
        expect(await matching(where(['str', 'length'], 'eq', 5))).toEqual([]);
        expect(await matching(where(['tags', '0'], 'eq', 'red'))).toEqual([]);
        expect(await matching(where(['tags', 'length'], 'eq', 2))).toEqual([]);
      });
    });

    describe('sorting', () => {
      test('sorts numbers numerically in both directions', async () => {
        await seed([10, 2, -1, 2.5, 0, 100].map((n, i) => ({ id: `n${i}`, n })));
        expect(await sortedIds(sortBy('n', 'id'))).toEqual(['n2', 'n4', 'n1', 'n3', 'n0', 'n5']);
        expect(await sortedIds(sortBy('-n', 'id'))).toEqual(['n5', 'n0', 'n3', 'n1', 'n4', 'n2']);
      });

      test('sorts strings by code point, astral characters after the rest', async () => {
        // Ascending. UTF-16 order would put the two astral ones before 'ｚ' and U+FFFD.
        const ordered = ['', 'B', 'a', 'ab', 'b', 'z', 'é', 'ｚ', '\uFFFD', '𝒜', '😀'];
        const records = ordered.map((s, i) => ({ id: numbered('s', i), s }));
        await seed(records.toReversed());
        const expected = records.map((record) => record.id);
        expect(await sortedIds(sortBy('s', 'id'))).toEqual(expected);
        expect(await sortedIds(sortBy('-s', 'id'))).toEqual(expected.toReversed());
      });

      test('sorts booleans with true first ascending', async () => {
        await seed([false, true, false, true].map((b, i) => ({ id: `b${i}`, b })));
        expect(await sortedIds(sortBy('b', 'id'))).toEqual(['b1', 'b3', 'b0', 'b2']);
        expect(await sortedIds(sortBy('-b', 'id'))).toEqual(['b0', 'b2', 'b1', 'b3']);
      });

      test('missing and null sort first ascending and last descending', async () => {
        await seed([
          { id: 'a', v: 3 },
          { id: 'b', v: null },
          { id: 'c' },
          { id: 'd', v: 1 },
          { id: 'e', v: null },
          { id: 'f' },
        ]);
        expect(await sortedIds(sortBy('v', 'id'))).toEqual(['b', 'c', 'e', 'f', 'd', 'a']);
        expect(await sortedIds(sortBy('-v', 'id'))).toEqual(['a', 'd', 'b', 'c', 'e', 'f']);
      });

      test('sorts mixed types in the canonical order', async () => {
        const ordered: Array<JsonValue | undefined> = [
          undefined,
          null,
          true,
          false,
          -5,
          3,
          '',
          'a',
          [1],
          [],
          { a: 1 },
          {},
        ];
        const records = ordered.map((v, i): NewRecord => {
          const id = numbered('m', i);
          return v === undefined ? { id } : { id, v };
        });
        await seed(records.toReversed());
        expect(await sortedIds(sortBy('v', 'id'))).toEqual(records.map((record) => record.id));
      });

      test('sorts by several keys in mixed directions', async () => {
        await seed([
          { id: 'a', group: 'x', score: 1 },
          { id: 'b', group: 'y', score: 2 },
          { id: 'c', group: 'x', score: 3 },
          { id: 'd', group: 'y', score: 2 },
          { id: 'e', group: 'x', score: 3 },
        ]);
        expect(await sortedIds(sortBy('group', '-score', 'id'))).toEqual(['c', 'e', 'a', 'b', 'd']);
        expect(await sortedIds(sortBy('-group', 'score', '-id'))).toEqual([
          'd',
          'b',
          'a',
          'e',
          'c',
        ]);
      });

      test('sorts by nested fields', async () => {
        await seed([
          { id: 'a', author: { name: 'Zoe' } },
          { id: 'b', author: { name: 'Al' } },
          { id: 'c', author: 'flat' },
        ]);
        expect(await sortedIds(sortBy('author.name', 'id'))).toEqual(['c', 'b', 'a']);
      });

      test('sorts by last_modified and by id', async () => {
        await seed([{ id: 'b' }, { id: 'c' }, { id: 'a' }]);
        expect(await sortedIds(sortBy('-last_modified', 'id'))).toEqual(['a', 'c', 'b']);
        expect(await sortedIds(sortBy('last_modified', 'id'))).toEqual(['b', 'c', 'a']);
        expect(await sortedIds(sortBy('-id'))).toEqual(['c', 'b', 'a']);
      });
    });

    describe('pagination', () => {
      const sorts = [
        'id',
        '-id',
        'score,id',
        '-score,id',
        'group,-score,id',
        '-group,nested.rank,id',
        'flag,id',
        '-flag,-nested.rank,id',
        'title,id',
        '-last_modified,id',
      ];

      for (const fields of sorts) {
        test(`keyset pages of every size walk each record once sorted by ${fields}`, async () => {
          const sort = sortBy(...fields.split(','));
          const stored = await seed(paginationFixture());
          const expected = ids(stored.toSorted((a, b) => compareBySort(a, b, sort)));
          expect(await sortedIds(sort)).toEqual(expected);
          for (let size = 1; size <= 7; size++) {
            expect(await walk({ filters: [], sort }, size), `page size ${size}`).toEqual(expected);
          }
        });
      }

      test('keyset pages include tombstones when asked', async () => {
        const stored = await seed(paginationFixture());
        const tombstones: Item[] = [];
        for (const id of ['p03', 'p10', 'p11', 'p22']) {
          const tombstone = await backend.delete(collection, id);
          if (tombstone) tombstones.push(tombstone);
        }
        const items = [
          ...stored.filter((r) => !tombstones.some((t) => t.id === r.id)),
          ...tombstones,
        ];
        for (const fields of ['-last_modified,id', 'score,id', '-group,id']) {
          const sort = sortBy(...fields.split(','));
          const expected = ids(items.toSorted((a, b) => compareBySort(a, b, sort)));
          for (let size = 1; size <= 7; size++) {
            const walked = await walk({ filters: [], sort, includeDeleted: true }, size);
            expect(walked, `${fields}, page size ${size}`).toEqual(expected);
          }
        }
      });

      test('keyset pages respect filters', async () => {
        const stored = await seed(paginationFixture());
        const filters = [where('score', 'min', 1), where('group', 'has', true)];
        const sort = sortBy('group', '-score', 'id');
        const expected = ids(
          stored
            .filter((r) => (r.score as number) >= 1 && r.group !== undefined)
            .toSorted((a, b) => compareBySort(a, b, sort)),
        );
        for (let size = 1; size <= 7; size++) {
          expect(await walk({ filters, sort }, size), `page size ${size}`).toEqual(expected);
        }
      });

      test('pagination skips and repeats nothing while records change between pages', async () => {
        for (const fields of ['score,id', '-last_modified,id', 'title,-id']) {
          collection = fresh();
          const sort = sortBy(...fields.split(','));
          const initial = ids(await seed(paginationFixture()));
          const touched = new Set<string>();
          let step = 0;
          const churn = async () => {
            step++;
            await backend.put(collection, { id: `new${step}`, score: step % 4, title: 'x' });
            const remaining = initial.filter((id) => !touched.has(id));
            const victim = remaining[(step * 5) % remaining.length];
            if (victim === undefined) return;
            touched.add(victim);
            await backend.delete(collection, victim);
          };
          const walked = await walk({ filters: [], sort }, 3, churn);
          expect(new Set(walked).size, fields).toBe(walked.length);
          const untouched = initial.filter((id) => !touched.has(id));
          expect(walked, fields).toEqual(expect.arrayContaining(untouched));
        }
      });

      test('after between existing values starts at the next greater one', async () => {
        await seed([1, 2, 2, 3].map((score, i) => ({ id: `s${i}`, score })));
        const sort = sortBy('score', 'id');
        const page = await backend.list(collection, { filters: [], sort, after: [1.5, 'zzz'] });
        expect(ids(page)).toEqual(['s1', 's2', 's3']);
        const desc = sortBy('-score', 'id');
        const tail = await backend.list(collection, { filters: [], sort: desc, after: [2, 's1'] });
        expect(ids(tail)).toEqual(['s2', 's0']);
      });

      test('after the last item returns nothing', async () => {
        await seed([{ id: 'a' }, { id: 'b' }]);
        expect(await backend.list(collection, { filters: [], sort: BY_ID, after: ['b'] })).toEqual(
          [],
        );
      });

      test('limit returns the first items in order', async () => {
        await seed([{ id: 'c' }, { id: 'a' }, { id: 'b' }]);
        expect(ids(await backend.list(collection, { filters: [], sort: BY_ID, limit: 2 }))).toEqual(
          ['a', 'b'],
        );
        expect(
          ids(await backend.list(collection, { filters: [], sort: BY_ID, limit: 10 })),
        ).toEqual(['a', 'b', 'c']);
      });

      test('limit 0 returns nothing', async () => {
        await seed([{ id: 'a' }]);
        expect(await backend.list(collection, { filters: [], sort: BY_ID, limit: 0 })).toEqual([]);
      });
    });

    describe('counting and tombstones', () => {
      test('list and count of an empty collection', async () => {
        expect(
          await backend.list(collection, { filters: [], sort: BY_ID, includeDeleted: true }),
        ).toEqual([]);
        expect(await backend.count(collection, { filters: [], includeDeleted: true })).toBe(0);
      });

      test('count returns the number of live records', async () => {
        await seed([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
        await backend.delete(collection, 'b');
        expect(await backend.count(collection, { filters: [] })).toBe(2);
      });

      test('count applies filters', async () => {
        await seed(FILTER_FIXTURE);
        expect(
          await backend.count(collection, { filters: [where('tags', 'contains', 'red')] }),
        ).toBe(2);
        expect(await backend.count(collection, { filters: [where('num', 'not', 1)] })).toBe(5);
      });

      test('count includes tombstones only when asked', async () => {
        await seed([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
        await backend.delete(collection, 'a');
        await backend.delete(collection, 'c');
        expect(await backend.count(collection, { filters: [] })).toBe(1);
        expect(await backend.count(collection, { filters: [], includeDeleted: true })).toBe(3);
      });

      test('list leaves tombstones out unless asked', async () => {
        await seed([{ id: 'a' }, { id: 'b' }]);
        await backend.delete(collection, 'a');
        expect(await sortedIds(BY_ID)).toEqual(['b']);
        expect(
          await backend.list(collection, { filters: [], sort: BY_ID, includeDeleted: false }),
        ).toHaveLength(1);
      });

      test('tombstones carry exactly id, last_modified and deleted', async () => {
        await seed([{ id: 'a', title: 'Dune', tags: ['x'] }, { id: 'b' }]);
        const tombstone = await backend.delete(collection, 'a');
        const items = await backend.list(collection, {
          filters: [],
          sort: BY_ID,
          includeDeleted: true,
        });
        expect(items[0]).toStrictEqual({
          id: 'a',
          last_modified: tombstone?.last_modified,
          deleted: true,
        });
        expect(items[1]).toMatchObject({ id: 'b' });
        expect(items[1]).not.toHaveProperty('deleted');
      });

      test('filters apply to tombstones as to records lacking the fields', async () => {
        await seed([{ id: 'a', title: 'Dune' }, { id: 'b', title: 'Emma' }, { id: 'c' }]);
        const tombstone = await backend.delete(collection, 'a');
        const query = (filters: Filter[]) =>
          backend.list(collection, { filters, sort: BY_ID, includeDeleted: true });
        expect(ids(await query([where('title', 'eq', 'Dune')]))).toEqual([]);
        expect(ids(await query([where('title', 'has', false)]))).toEqual(['a', 'c']);
        expect(
          ids(await query([where('last_modified', 'min', tombstone?.last_modified ?? 0)])),
        ).toEqual(['a']);
        expect(
          await backend.count(collection, {
            filters: [where('title', 'not', 'Emma')],
            includeDeleted: true,
          }),
        ).toBe(2);
      });
    });

    describe('copies', () => {
      test('mutating the object passed to put changes nothing stored', async () => {
        const record = { id: 'a', tags: ['x'], meta: { n: 1 } };
        await backend.put(collection, record);
        record.tags.push('y');
        record.meta.n = 2;
        expect(await backend.get(collection, 'a')).toMatchObject({ tags: ['x'], meta: { n: 1 } });
      });

      test('mutating a record returned by put or get changes nothing stored', async () => {
        const stored = await backend.put(collection, { id: 'a', tags: ['x'] });
        stored.title = 'changed';
        (stored.tags as JsonValue[]).push('y');
        const fetched = await backend.get(collection, 'a');
        if (fetched) fetched.last_modified = 0;
        expect(await backend.get(collection, 'a')).toStrictEqual({
          id: 'a',
          tags: ['x'],
          last_modified: expect.any(Number),
        });
        expect((await backend.get(collection, 'a'))?.last_modified).toBeGreaterThan(0);
      });

      test('mutating records returned by list changes nothing stored', async () => {
        await seed([{ id: 'a', meta: { n: 1 } }]);
        const [item] = await backend.list(collection, { filters: [], sort: BY_ID });
        (item as StoredRecord).meta = null;
        expect((await backend.get(collection, 'a'))?.meta).toEqual({ n: 1 });
      });

      test('mutating a returned tombstone changes nothing stored', async () => {
        await backend.put(collection, { id: 'a' });
        const tombstone = await backend.delete(collection, 'a');
        if (tombstone) tombstone.last_modified = 0;
        const [item] = await backend.list(collection, {
          filters: [],
          sort: BY_ID,
          includeDeleted: true,
        });
        expect(item?.last_modified).toBeGreaterThan(0);
      });
    });

    describe('transactions', () => {
      test('transaction returns the value of its work', async () => {
        expect(await backend.transaction(async () => 42)).toBe(42);
      });

      test('reads inside a transaction see its own writes', async () => {
        await backend.transaction(async (session) => {
          await session.put(collection, { id: 'a', n: 1 });
          expect((await session.get(collection, 'a'))?.n).toBe(1);
          expect(await session.count(collection, { filters: [] })).toBe(1);
          await session.delete(collection, 'a');
          expect(await session.list(collection, { filters: [], sort: BY_ID })).toEqual([]);
        });
      });

      test('a committed transaction makes all its writes visible', async () => {
        const other = fresh('p');
        await backend.put(collection, { id: 'gone' });
        const written = await backend.transaction(async (session) => [
          await session.put(collection, { id: 'a' }),
          await session.put(other, { id: 'b' }),
          await session.delete(collection, 'gone'),
        ]);
        expect(await sortedIds(BY_ID)).toEqual(['a']);
        expect(await sortedIds(BY_ID, other)).toEqual(['b']);
        expect(await backend.timestamp(collection)).toBe(written[2]?.last_modified);
      });

      test('timestamps inside a transaction increase', async () => {
        const before = await backend.put(collection, { id: 'z' });
        const stamps = await backend.transaction(async (session) => {
          const out: number[] = [before.last_modified];
          for (let i = 0; i < 20; i++)
            out.push((await session.put(collection, { id: `r${i}` })).last_modified);
          return out;
        });
        for (let i = 1; i < stamps.length; i++)
          expect(stamps[i]).toBeGreaterThan(stamps[i - 1] ?? Infinity);
      });

      test('a transaction that throws rolls back its writes and rethrows', async (context) => {
        context.skip(!backend.capabilities.transactions, NO_TRANSACTIONS);
        const other = fresh('p');
        await seed([
          { id: 'keep', v: 1 },
          { id: 'change', v: 1 },
          { id: 'remove', v: 1 },
          { id: 'dead' },
        ]);
        await backend.delete(collection, 'dead');
        const before = await snapshot();
        const otherBefore = await snapshot(other);
        const failure = new Error('boom');
        const run = backend.transaction(async (session) => {
          await session.put(collection, { id: 'new' });
          await session.put(collection, { id: 'change', v: 2 });
          await session.put(collection, { id: 'change', v: 3 });
          await session.delete(collection, 'remove');
          await session.put(collection, { id: 'dead', revived: true });
          await session.put(
            other,
            { id: 'elsewhere' },
            { lastModified: before.timestamp + 100_000 },
          );
          throw failure;
        });
        await expect(run).rejects.toBe(failure);
        expect(await snapshot()).toStrictEqual(before);
        expect(await snapshot(other)).toStrictEqual(otherBefore);
      });

      test('writes after a rollback get timestamps above every committed one', async (context) => {
        context.skip(!backend.capabilities.transactions, NO_TRANSACTIONS);
        const committed = await backend.put(collection, { id: 'a' });
        await backend
          .transaction(async (session) => {
            await session.put(collection, { id: 'b' });
            throw new Error('boom');
          })
          .catch(() => undefined);
        const next = await backend.put(collection, { id: 'c' });
        expect(next.last_modified).toBeGreaterThan(committed.last_modified);
      });

      test('concurrent read-then-write transactions lose no update', async (context) => {
        context.skip(!backend.capabilities.transactions, NO_TRANSACTIONS);
        await backend.put(collection, { id: 'counter', n: 0 });
        const increments = Array.from({ length: 20 }, () =>
          backend.transaction(async (session) => {
            const current = await session.get(collection, 'counter');
            await session.put(collection, { id: 'counter', n: Number(current?.n) + 1 });
          }),
        );
        await Promise.all(increments);
        expect((await backend.get(collection, 'counter'))?.n).toBe(20);
      });

      test('a read outside a transaction never sees its uncommitted writes', async (context) => {
        context.skip(!backend.capabilities.transactions, NO_TRANSACTIONS);
        await backend.put(collection, { id: 'a', state: 'committed' });
        const written = deferred();
        const release = deferred();
        const failure = new Error('roll back');
        const run = backend.transaction(async (session) => {
          await session.put(collection, { id: 'a', state: 'uncommitted' });
          await session.put(collection, { id: 'b', state: 'uncommitted' });
          written.resolve();
          await release.promise;
          throw failure;
        });
        await written.promise;
        // Answered at once or after the transaction ends, but never from uncommitted state.
        const outside = Promise.all([
          backend.get(collection, 'a'),
          backend.list(collection, { filters: [], sort: BY_ID }),
          backend.count(collection, { filters: [] }),
        ]);
        release.resolve();
        await expect(run).rejects.toBe(failure);
        const [record, items, count] = await outside;
        expect(record?.state).toBe('committed');
        expect(ids(items)).toEqual(['a']);
        expect(count).toBe(1);
      });

      test('a transaction sees what earlier transactions committed', async () => {
        await backend.transaction(async (session) => {
          await session.put(collection, { id: 'a', n: 1 });
        });
        const seen = await backend.transaction(async (session) => session.get(collection, 'a'));
        expect(seen?.n).toBe(1);
      });
    });

    describe('backend', () => {
      test('heartbeat resolves true', async () => {
        expect(await backend.heartbeat()).toBe(true);
      });

      test('name and capabilities are declared', async () => {
        expect(backend.name).toMatch(/\S/);
        expect(typeof backend.capabilities.transactions).toBe('boolean');
      });
    });

    const unknown = [...skipped.keys()].filter((name) => !registered.has(name));
    if (unknown.length > 0)
      throw new Error(`Unknown conformance tests in skip: ${unknown.join(', ')}`);
  });
}
