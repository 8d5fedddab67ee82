/**
 * The permission conformance suite: every `PermissionBackend` runs it unchanged.
 *
 * @module
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PermissionBackend, Permissions } from '../permission/types.js';

export interface PermissionConformanceOptions {
  name: string;
  create: () => Promise<PermissionBackend> | PermissionBackend;
  /** Default: `backend.close()`. */
  cleanup?: (backend: PermissionBackend) => Promise<void>;
}

/** Principal lists in a stable order: backends may return them in any order. */
function sorted(permissions: Permissions | undefined): Permissions | undefined {
  if (!permissions) return permissions;
  return Object.fromEntries(
    Object.entries(permissions).map(([name, principals]) => [name, [...principals].sort()]),
  );
}

export function runPermissionConformance(options: PermissionConformanceOptions): void {
  describe(`permission conformance: ${options.name}`, () => {
    let backend: PermissionBackend;
    let root = '';

    beforeEach(async () => {
      backend = await options.create();
      root = `/t${Math.random().toString(36).slice(2)}`;
    });
    afterEach(async () => {
      await (options.cleanup ?? ((b) => b.close()))(backend);
    });

    it('returns nothing for objects without permissions', async () => {
      expect((await backend.get([`${root}/a`])).size).toBe(0);
    });

    it('stores principals per permission and object', async () => {
      await backend.set(`${root}/a`, { read: ['system.Everyone'], write: ['alice', 'bob'] });
      await backend.set(`${root}/b`, { write: ['carol'] });
      const found = await backend.get([`${root}/a`, `${root}/b`, `${root}/c`]);
      expect(sorted(found.get(`${root}/a`))).toEqual({
        read: ['system.Everyone'],
        write: ['alice', 'bob'],
      });
      expect(sorted(found.get(`${root}/b`))).toEqual({ write: ['carol'] });
      expect(found.has(`${root}/c`)).toBe(false);
    });

    it('replaces only the permissions it names, and removes those given an empty list', async () => {
      await backend.set(`${root}/a`, { read: ['x'], write: ['alice'] });
      await backend.set(`${root}/a`, { read: ['y', 'z'] });
      expect(sorted((await backend.get([`${root}/a`])).get(`${root}/a`))).toEqual({
        read: ['y', 'z'],
        write: ['alice'],
      });
      await backend.set(`${root}/a`, { read: [] });
      expect(sorted((await backend.get([`${root}/a`])).get(`${root}/a`))).toEqual({
        write: ['alice'],
      });
      await backend.set(`${root}/a`, { write: [] });
      expect((await backend.get([`${root}/a`])).has(`${root}/a`)).toBe(false);
    });

    it('does not duplicate a principal given twice', async () => {
      await backend.set(`${root}/a`, { read: ['alice', 'alice'] });
      expect(sorted((await backend.get([`${root}/a`])).get(`${root}/a`))).toEqual({
        read: ['alice'],
      });
    });

    it('keeps permission names such as records:create', async () => {
      await backend.set(`${root}/b`, { 'records:create': ['system.Authenticated'] });
      expect(sorted((await backend.get([`${root}/b`])).get(`${root}/b`))).toEqual({
        'records:create': ['system.Authenticated'],
      });
    });

    it('deletes an object with every object below it, and only those', async () => {
      await backend.set(`${root}/b1`, { write: ['a'] });
      await backend.set(`${root}/b1/collections/c1`, { read: ['b'] });
      await backend.set(`${root}/b10`, { write: ['c'] });
      await backend.delete([`${root}/b1`]);
      const found = await backend.get([`${root}/b1`, `${root}/b1/collections/c1`, `${root}/b10`]);
      expect([...found.keys()]).toEqual([`${root}/b10`]);
    });

    it('lists the objects directly below a path that a principal may access', async () => {
      await backend.set(`${root}/articles/a`, { read: ['bob'] });
      await backend.set(`${root}/articles/b`, { write: ['bob'] });
      await backend.set(`${root}/articles/c`, { read: ['carol'] });
      await backend.set(`${root}/articles/d`, { read: ['system.Everyone'] });
      await backend.set(`${root}/articles/a/deeper/x`, { read: ['bob'] });
      await backend.set(`${root}/articlesX/e`, { read: ['bob'] });
      const ids = await backend.accessible(
        `${root}/articles`,
        ['bob', 'system.Everyone'],
        ['read', 'write'],
      );
      expect(ids.sort()).toEqual([
        `${root}/articles/a`,
        `${root}/articles/b`,
        `${root}/articles/d`,
      ]);
      expect(await backend.accessible(`${root}/articles`, ['bob'], ['write'])).toEqual([
        `${root}/articles/b`,
      ]);
      expect(await backend.accessible(`${root}/articles`, [], ['read'])).toEqual([]);
    });

    it('treats ids and principals with odd characters literally', async () => {
      const odd = `${root}/x/%_'"; DROP TABLE permissions;--`;
      await backend.set(odd, { read: ["o'brien", '%'] });
      expect(sorted((await backend.get([odd])).get(odd))).toEqual({ read: ['%', "o'brien"] });
      expect(await backend.accessible(`${root}/x`, ['%'], ['read'])).toEqual([odd]);
      expect(await backend.accessible(`${root}/_`, ['%'], ['read'])).toEqual([]);
      expect(await backend.accessible(`${root}/x`, ['o_brien'], ['read'])).toEqual([]);
    });

    it('answers its heartbeat', async () => {
      expect(await backend.heartbeat()).toBe(true);
    });
  });
}
