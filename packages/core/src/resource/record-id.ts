/**
 * Record ids: ULIDs by default; ids chosen by clients must be safe path segments.
 *
 * @module
 */
import { randomFillSync } from 'node:crypto';
import { ulid } from 'ulid';

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** Letters, digits, `-` and `_`, starting with a letter or digit, at most 128 characters. */
export function isValidRecordId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/**
 * Random bytes drawn a few kilobytes at a time: a ULID takes 16 random characters, and one
 * call into the system's generator per character costs more than the rest of a create.
 */
const pool = Buffer.alloc(4096);
let used = pool.length;

/** A uniform number in [0, 1) from the pool: one byte over 256, enough for base-32 characters. */
function pooledRandom(): number {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  return (pool[used++] as number) / 256;
}

/** The default id generator: a ULID (26 characters, sortable by creation time). */
export function generateUlid(): string {
  return ulid(undefined, pooledRandom);
}
