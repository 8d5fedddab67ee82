/**
 * Reads settings from environment variables with one prefix: `PAWL_MAX_PAGE_SIZE`,
 * `PAWL_READONLY`, `PAWL_CORS_ORIGINS`, ... (the setting name in upper snake case).
 *
 * @module
 */
import { DEFAULT_SETTINGS, type Settings } from './settings.js';

type Parser = (raw: string, name: string) => unknown;

const integer: Parser = (raw, name) => {
  if (!/^\d+$/.test(raw.trim()))
    throw new TypeError(`${name} must be a whole number, got "${raw}"`);
  return Number(raw);
};
const boolean: Parser = (raw, name) => {
  const value = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  throw new TypeError(`${name} must be true or false, got "${raw}"`);
};
const text: Parser = (raw) => (raw.trim() === '' ? null : raw.trim());
const origins: Parser = (raw) => {
  const value = raw.trim();
  return value === '*'
    ? '*'
    : value
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean);
};

const PARSERS: { [K in keyof Settings]: Parser } = {
  maxPageSize: integer,
  maxBodyBytes: integer,
  corsOrigins: origins,
  batchMaxRequests: integer,
  readonly: boolean,
  backoff: (raw, name) => (raw.trim() === '' ? null : integer(raw, name)),
  retryAfterSeconds: integer,
  eos: text,
  eosMessage: text,
  eosUrl: text,
  publicUrl: text,
  trustProxy: boolean,
  versionFile: text,
  heartbeatTimeoutMs: integer,
};

function envName(prefix: string, key: string): string {
  return prefix + key.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase();
}

/**
 * The settings found in `env`; pass the result as `createApp({ settings })`. Throws on a value
 * that does not parse, naming the variable.
 *
 * @example
 * ```ts
 * // PAWL_READONLY=true PAWL_BACKOFF=30 node server.js
 * const app = createApp({ ..., settings: settingsFromEnv(process.env) });
 * ```
 */
export function settingsFromEnv(
  env: Record<string, string | undefined>,
  prefix = 'PAWL_',
): Partial<Settings> {
  const settings: Record<string, unknown> = {};
  for (const key of Object.keys(DEFAULT_SETTINGS) as Array<keyof Settings>) {
    const name = envName(prefix, key);
    const raw = env[name];
    if (raw !== undefined) settings[key] = PARSERS[key](raw, name);
  }
  return settings as Partial<Settings>;
}
