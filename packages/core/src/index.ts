/**
 * Pawl: sync-capable resource APIs speaking the Kinto protocol.
 *
 * @module
 */
export { createApp, type Backends, type CreateAppOptions } from './app/create-app.js';
export { DEFAULT_SETTINGS, type Settings } from './app/settings.js';
export type { ProjectInfo } from './app/utility-routes.js';
export { AUTHENTICATED, EVERYONE, type AuthPolicy, type Identity } from './auth/auth-policy.js';
export { basicAuth, type BasicAuthOptions } from './auth/basic-auth.js';
export * from './errors/index.js';
export {
  defineResource,
  type HookContext,
  type RecordSchema,
  type RequestUser,
  type Resource,
  type ResourceHooks,
  type ResourceOptions,
} from './resource/define-resource.js';
export { isValidRecordId } from './resource/record-id.js';
export { compareJson, getPath, jsonEquals, matchesFilter } from './storage/json-order.js';
export { memoryStorage } from './storage/memory-storage.js';
export type * from './storage/types.js';
