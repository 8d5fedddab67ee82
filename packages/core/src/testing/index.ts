/**
 * Test helpers for Pawl backends, published as `@pawl/core/testing`. Importing this module
 * requires vitest.
 *
 * @module
 */

export { type CacheConformanceOptions, runCacheConformance } from './cache-conformance.js';
export {
  exerciseHostileFieldNames,
  HOSTILE_FIELD_NAMES,
  HOSTILE_FILTERS,
  hostilePaths,
} from './hostile-field-queries.js';
export {
  type PermissionConformanceOptions,
  runPermissionConformance,
} from './permission-conformance.js';
export {
  applyRandomWrite,
  exerciseRandomWrites,
  type RandomWrite,
  type RandomWritesOptions,
} from './random-writes.js';
export {
  FILTER_OPERATORS,
  type ReferenceSemanticsOptions,
  runReferenceSemantics,
} from './reference-semantics.js';
export { runStorageConformance, type StorageConformanceOptions } from './storage-conformance.js';
