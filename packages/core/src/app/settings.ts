/**
 * Settings an operator tunes, from code or from the environment (`settingsFromEnv`);
 * every one has a default.
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
  /** The most sub-requests one `POST /batch` may carry (400 beyond). */
  batchMaxRequests: number;
  /** Refuse every write with 405 errno 115; reads are still served. */
  readonly: boolean;
  /** Seconds sent in a `Backoff` header on successful responses, asking clients to slow down; `null` for none. */
  backoff: number | null;
  /** Seconds sent in `Retry-After` with 5xx responses. */
  retryAfterSeconds: number;
  /** End of support (`YYYY-MM-DD`): an `Alert` header before that day, 410 errno 202 from it on. */
  eos: string | null;
  eosMessage: string | null;
  eosUrl: string | null;
  /** The public root URL of the service (e.g. `https://api.example.com`) when it runs behind a proxy. */
  publicUrl: string | null;
  /** Build URLs from `X-Forwarded-Proto` and `X-Forwarded-Host`: only behind a proxy that sets them. */
  trustProxy: boolean;
  /** Where `GET /__version__` reads its JSON; `null` disables the endpoint (404). */
  versionFile: string | null;
  /** How long `/__heartbeat__` waits for a backend before reporting it down, in milliseconds. */
  heartbeatTimeoutMs: number;
}

export const DEFAULT_SETTINGS: Settings = {
  maxPageSize: 10_000,
  maxBodyBytes: 1024 * 1024,
  corsOrigins: '*',
  batchMaxRequests: 25,
  readonly: false,
  backoff: null,
  retryAfterSeconds: 30,
  eos: null,
  eosMessage: null,
  eosUrl: null,
  publicUrl: null,
  trustProxy: false,
  versionFile: 'version.json',
  heartbeatTimeoutMs: 5_000,
};

export function resolveSettings(overrides: Partial<Settings> | undefined): Settings {
  const settings = { ...DEFAULT_SETTINGS, ...overrides };
  for (const key of [
    'maxPageSize',
    'maxBodyBytes',
    'batchMaxRequests',
    'heartbeatTimeoutMs',
  ] as const) {
    if (!Number.isSafeInteger(settings[key]) || settings[key] < 1) {
      throw new TypeError(`settings.${key} must be a positive integer`);
    }
  }
  if (
    settings.backoff !== null &&
    !(Number.isSafeInteger(settings.backoff) && settings.backoff >= 0)
  ) {
    throw new TypeError('settings.backoff must be a number of seconds or null');
  }
  if (settings.eos !== null && !/^\d{4}-\d{2}-\d{2}$/.test(settings.eos)) {
    throw new TypeError('settings.eos must be a date as YYYY-MM-DD');
  }
  if (settings.publicUrl !== null) settings.publicUrl = settings.publicUrl.replace(/\/+$/, '');
  return settings;
}
