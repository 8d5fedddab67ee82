/**
 * Pawl: sync-capable resource APIs speaking the Kinto protocol.
 *
 * @module
 */

export type { Identify, PrincipalsHook } from './app/authenticate.js';
export { type Backends, type CreateAppOptions, createApp } from './app/create-app.js';
export type { CustomRoutes, RouteTools } from './app/custom-routes.js';
export type { RequestLogger } from './app/request-log.js';
export { DEFAULT_SETTINGS, type Settings } from './app/settings.js';
export { settingsFromEnv } from './app/settings-from-env.js';
export type { Capability, HealthChecks, ProjectInfo } from './app/utility-routes.js';
export {
  type ApiKey,
  type ApiKeyAuthOptions,
  apiKeyAuth,
  READ_ONLY_PRINCIPAL,
} from './auth/api-key-auth.js';
export {
  AUTHENTICATED,
  type AuthPolicy,
  type AuthTools,
  EVERYONE,
  type Identity,
} from './auth/auth-policy.js';
export { type BasicAuthOptions, basicAuth } from './auth/basic-auth.js';
export { type BearerAuthOptions, bearerAuth } from './auth/bearer-auth.js';
export { type MemoryCacheOptions, memoryCache } from './cache/memory-cache.js';
export type { CacheBackend } from './cache/types.js';
export * from './errors/index.js';
export type { ResourceGrants } from './permission/access.js';
export { memoryPermission } from './permission/memory-permission.js';
export type { PermissionBackend, Permissions } from './permission/types.js';
export {
  defineResource,
  type HookContext,
  type HookResult,
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
