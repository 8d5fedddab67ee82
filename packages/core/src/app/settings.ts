/**
 * Settings an operator tunes; every one has a default.
 *
 * @module
 */

export interface Settings {
  /** The largest page a list returns; lists without `_limit` are paginated by it. */
  maxPageSize: number;
  /** The largest request body accepted, in bytes (413 beyond). */
  maxBodyBytes: number;
  /** Origins allowed by CORS: `'*'` or a list of exact origins. */
  corsOrigins: '*' | string[];
}

export const DEFAULT_SETTINGS: Settings = {
  maxPageSize: 10_000,
  maxBodyBytes: 1024 * 1024,
  corsOrigins: '*',
};

export function resolveSettings(overrides: Partial<Settings> | undefined): Settings {
  const settings = { ...DEFAULT_SETTINGS, ...overrides };
  if (!Number.isSafeInteger(settings.maxPageSize) || settings.maxPageSize < 1) {
    throw new TypeError('settings.maxPageSize must be a positive integer');
  }
  if (!Number.isSafeInteger(settings.maxBodyBytes) || settings.maxBodyBytes < 1) {
    throw new TypeError('settings.maxBodyBytes must be a positive integer');
  }
  return settings;
}
