/**
 * The utility endpoints: `GET /` (hello), `/__heartbeat__`, `/__lbheartbeat__` and
 * `/__version__`.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import type { Context, Hono } from 'hono';
import { pathNotFound } from '../errors/index.js';
import type { Identify } from './authenticate.js';
import { publicRequestUrl } from './public-url.js';
import type { Settings } from './settings.js';

export interface ProjectInfo {
  name: string;
  version: string;
  docs?: string;
}

/** An optional feature announced in `GET /` under `capabilities`. */
export interface Capability {
  description: string;
  url: string;
  [key: string]: unknown;
}

/** A named check for `/__heartbeat__`, e.g. `{ storage: () => storage.heartbeat() }`. */
export type HealthChecks = Record<string, () => Promise<boolean>>;

export interface UtilityRouteOptions {
  project: ProjectInfo;
  httpApiVersion: string;
  prefix: string;
  settings: Settings;
  identify: Identify;
  checks: HealthChecks;
  capabilities: Record<string, Capability>;
}

/** Mounts the utility endpoints and returns the hello handler, which also answers `/v1/`. */
export function mountUtilities(
  app: Hono,
  options: UtilityRouteOptions,
): (c: Context) => Promise<Response> {
  const { project, httpApiVersion, prefix, settings, identify, checks, capabilities } = options;

  async function hello(c: Context): Promise<Response> {
    const body: Record<string, unknown> = {
      project_name: project.name,
      project_version: project.version,
      project_docs: project.docs ?? '',
      http_api_version: httpApiVersion,
      cliquet_protocol_version: '2',
      url: apiUrl(c, settings, prefix),
      settings: {
        batch_max_requests: settings.batchMaxRequests,
        readonly: settings.readonly,
        max_page_size: settings.maxPageSize,
      },
      capabilities,
    };
    if (settings.eos) body.eos = settings.eos;
    const user = await identify(c.req.raw);
    if (user) body.user = { id: user.id, principals: user.principals };
    return c.json(body);
  }
  app.get('/', hello);

  app.get('/__heartbeat__', async function heartbeat(c) {
    const names = Object.keys(checks);
    const results = await Promise.all(
      names.map((name) =>
        withTimeout(checks[name] as () => Promise<boolean>, settings.heartbeatTimeoutMs),
      ),
    );
    const body = Object.fromEntries(names.map((name, index) => [name, results[index]]));
    if (results.every(Boolean)) return c.json(body);
    return c.json(body, 503, { 'Retry-After': String(settings.retryAfterSeconds) });
  });

  app.get('/__lbheartbeat__', function lbheartbeat(c) {
    return c.json({});
  });

  app.get('/__version__', async function version(c) {
    if (!settings.versionFile) throw pathNotFound();
    let text: string;
    try {
      text = await readFile(settings.versionFile, 'utf8');
    } catch {
      throw pathNotFound();
    }
    return c.json(JSON.parse(text) as object);
  });

  return hello;
}

/** The absolute URL of the API root, without a trailing slash, as clients reach it. */
export function apiUrl(c: Context, settings: Settings, prefix: string): string {
  const url = publicRequestUrl(c.req.raw, settings);
  const mount = url.pathname.slice(0, url.pathname.lastIndexOf(prefix));
  return `${url.origin}${mount}${prefix}`;
}

async function withTimeout(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      Promise.resolve()
        .then(check)
        .catch(() => false),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
