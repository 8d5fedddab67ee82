import { describe, expect, it } from 'vitest';
import { generateUlid, isValidRecordId } from '../src/resource/record-id.js';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

describe('generateUlid', () => {
  const ids = Array.from({ length: 20_000 }, () => generateUlid());

  it('makes 26-character ULIDs that are valid record ids, all different', () => {
    for (const id of ids) {
      expect(id).toMatch(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
      expect(isValidRecordId(id)).toBe(true);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('starts with the creation time, so ids sort by creation', () => {
    const before = Date.now();
    const id = generateUlid();
    const time = [...id.slice(0, 10)].reduce((sum, c) => sum * 32 + CROCKFORD.indexOf(c), 0);
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(Date.now());
  });

  it('draws every base-32 character about equally often in the random part', () => {
    const seen = new Map<string, number>();
    for (const id of ids) for (const c of id.slice(10)) seen.set(c, (seen.get(c) ?? 0) + 1);
    expect(seen.size).toBe(32);
    const expected = (ids.length * 16) / 32;
    for (const count of seen.values()) {
      expect(Math.abs(count - expected) / expected).toBeLessThan(0.05);
    }
  });
});
