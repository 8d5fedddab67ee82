/**
 * Record ids: ULIDs by default; ids chosen by clients must be safe path segments.
 *
 * @module
 */
import { ulid } from 'ulid';

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** Letters, digits, `-` and `_`, starting with a letter or digit, at most 128 characters. */
export function isValidRecordId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/** The default id generator: a ULID (26 characters, sortable by creation time). */
export function generateUlid(): string {
  return ulid();
}
