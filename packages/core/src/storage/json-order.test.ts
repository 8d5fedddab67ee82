import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareBySort,
  compareJson,
  getPath,
  isAfter,
  jsonEquals,
  matchesFilter,
} from './json-order.js';
import type { FilterOperator, JsonValue, Sort } from './types.js';

const json = fc.jsonValue() as fc.Arbitrary<JsonValue>;
/** Short strings over the whole Unicode range, often mixing the high BMP and astral planes. */
const codePoints = fc.string({
  unit: fc.oneof(
    fc.constantFrom('a', 'é', '\uE000', '\uFFFD', '😀', '𝒜'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 6,
});

describe('compareJson', () => {
  it('orders types: missing = null, booleans, numbers, strings, arrays, objects', () => {
    const ascending: Array<JsonValue | undefined> = [null, true, false, -1, 2, '', 'a', [], {}];
    for (const [i, a] of ascending.entries()) {
      for (const [j, b] of ascending.entries()) {
        expect(Math.sign(compareJson(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(
          Math.sign(i - j),
        );
      }
    }
    expect(compareJson(undefined, null)).toBe(0);
    expect(compareJson(undefined, false)).toBeLessThan(0);
  });

  it('compares numbers numerically, treating -0 as 0', () => {
    expect(compareJson(2, 10)).toBeLessThan(0);
    expect(compareJson(-0, 0)).toBe(0);
    expect(compareJson(1.5, 1)).toBeGreaterThan(0);
  });

  it('compares strings by code point, unlike UTF-16 comparison', () => {
    expect('😀' < '\uFFFD').toBe(true);
    expect(compareJson('😀', '\uFFFD')).toBeGreaterThan(0);
    expect(compareJson('\uE000', '😀')).toBeLessThan(0);
    expect(compareJson('😀', '😁')).toBeLessThan(0);
    expect(compareJson('a', 'ab')).toBeLessThan(0);
    expect(compareJson('Z', 'a')).toBeLessThan(0);
  });

  it('agrees with the byte order of UTF-8 for any strings', () => {
    fc.assert(
      fc.property(codePoints, codePoints, (a, b) => {
        const bytes = Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
        expect(Math.sign(compareJson(a, b))).toBe(bytes);
      }),
    );
  });

  it('compares arrays and objects by their JSON text', () => {
    expect(compareJson([1], [])).toBeLessThan(0);
    expect(compareJson([10], [9])).toBeLessThan(0);
    expect(compareJson({ a: 1 }, {})).toBeLessThan(0);
    expect(compareJson(['x'], ['x'])).toBe(0);
  });

  it('is antisymmetric and reflexive', () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        expect(Math.sign(compareJson(a, b))).toBe(-Math.sign(compareJson(b, a)) || 0);
        expect(compareJson(a, a)).toBe(0);
      }),
    );
  });
});

describe('getPath', () => {
  const record = { id: 'a', author: { name: 'Ann', tags: ['x'] }, nothing: null };

  it('follows nested objects', () => {
    expect(getPath(record, ['author', 'name'])).toBe('Ann');
    expect(getPath(record, ['nothing'])).toBeNull();
    expect(getPath(record, [])).toBe(record);
  });

  it('returns undefined for missing paths, arrays, strings and null', () => {
    expect(getPath(record, ['missing'])).toBeUndefined();
    expect(getPath(record, ['author', 'tags', '0'])).toBeUndefined();
    expect(getPath(record, ['id', 'length'])).toBeUndefined();
    expect(getPath(record, ['nothing', 'x'])).toBeUndefined();
  });

  it('never reaches the prototype', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(getPath(record, [name])).toBeUndefined();
      expect(getPath(record, ['author', name])).toBeUndefined();
    }
    expect(getPath(JSON.parse('{"__proto__": {"x": 1}}'), ['__proto__', 'x'])).toBe(1);
  });
});

describe('jsonEquals', () => {
  it('compares deeply, ignoring object key order', () => {
    expect(jsonEquals({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 })).toBe(true);
    expect(jsonEquals([1, 2], [2, 1])).toBe(false);
    expect(jsonEquals({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEquals({ a: undefined } as never, { b: undefined } as never)).toBe(false);
  });

  it('is type-strict', () => {
    expect(jsonEquals(1, '1')).toBe(false);
    expect(jsonEquals(true, 1)).toBe(false);
    expect(jsonEquals(null, undefined)).toBe(false);
    expect(jsonEquals([], {})).toBe(false);
    expect(jsonEquals(0, -0)).toBe(true);
  });

  it('holds for a value and its structured clone', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(jsonEquals(value, structuredClone(value))).toBe(true);
      }),
    );
  });
});

describe('matchesFilter', () => {
  const matches = (field: JsonValue | undefined, operator: FilterOperator, value: JsonValue) =>
    matchesFilter(field === undefined ? {} : { f: field }, { path: ['f'], operator, value });

  it('gives like its glob semantics', () => {
    expect(matches('abcabc', 'like', 'a*c*c')).toBe(true);
    expect(matches('abc', 'like', 'a*bc*')).toBe(true);
    expect(matches('ab', 'like', 'ab*b')).toBe(false);
    expect(matches('aXa', 'like', 'a*a')).toBe(true);
    expect(matches('a', 'like', 'a*a')).toBe(false);
    expect(matches('xabcx', 'like', 'ABC')).toBe(true);
    expect(matches('abc', 'like', '**')).toBe(true);
  });

  it('gives like the same answers as an anchored regular expression', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', 'A', '.', '\n') });
    const pattern = fc.string({ unit: fc.constantFrom('a', 'B', '*', '.') });
    fc.assert(
      fc.property(text, pattern, (field, value) => {
        const glob = value.includes('*') ? value : `*${value}*`;
        const source = glob
          .toLowerCase()
          .split('*')
          .map((part) => part.replace(/[.]/g, '\\.'))
          .join('.*');
        const expected = new RegExp(`^${source}$`, 's').test(field.toLowerCase());
        expect(matches(field, 'like', value)).toBe(expected);
      }),
    );
  });

  it('never matches missing or null fields with range operators', () => {
    for (const operator of ['lt', 'gt', 'min', 'max'] as const) {
      expect(matches(undefined, operator, 1)).toBe(false);
      expect(matches(null, operator, 1)).toBe(false);
      expect(matches(null, operator, null)).toBe(false);
    }
    expect(matches(false, 'lt', 0)).toBe(true);
  });

  it('treats a scalar value of contains and in as a one-element list', () => {
    expect(matches(['a', 'b'], 'contains', 'a')).toBe(true);
    expect(matches(['a', 'b'], 'contains_any', 'c')).toBe(false);
    expect(matches('a', 'in', 'a')).toBe(true);
    expect(matches('a', 'exclude', 'a')).toBe(false);
  });

  it('matches has against presence, null included', () => {
    expect(matches(null, 'has', true)).toBe(true);
    expect(matches(undefined, 'has', true)).toBe(false);
    expect(matches(undefined, 'has', false)).toBe(true);
  });
});

describe('compareBySort and isAfter', () => {
  const sort: Sort[] = [
    { path: ['n'], direction: 'desc' },
    { path: ['id'], direction: 'asc' },
  ];
  const record = fc.record(
    { id: fc.string(), n: fc.option(fc.integer({ min: 0, max: 3 })) },
    { requiredKeys: ['id'] },
  );

  it('applies keys in order and directions', () => {
    expect(compareBySort({ id: 'a', n: 1 }, { id: 'b', n: 2 }, sort)).toBeGreaterThan(0);
    expect(compareBySort({ id: 'a', n: 2 }, { id: 'b', n: 2 }, sort)).toBeLessThan(0);
    expect(compareBySort({ id: 'a' }, { id: 'a', n: null }, sort)).toBe(0);
  });

  it('puts a record after a position exactly when it sorts after its owner', () => {
    fc.assert(
      fc.property(record, record, (a, b) => {
        const position = sort.map(({ path }) => getPath(b, path) ?? null);
        expect(isAfter(a, position, sort)).toBe(compareBySort(a, b, sort) > 0);
      }),
    );
  });
});
