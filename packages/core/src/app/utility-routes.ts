/**
 * The utility endpoints: `GET /` (hello), `/__heartbeat__` and `/__lbheartbeat__`.
 *
 * @module
 */
import type { Hono } from 'hono';
import type { AuthPolicy } from '../auth/auth-policy.js';
import type { StorageBackend } from '../storage/types.js';
import { identify } from './authenticate.js';

export interface ProjectInfo {
  name: string;
  version: string;
  docs?: string;
}

export interface UtilityRouteOptions {
  project: ProjectInfo;
  httpApiVersion: string;
  storage: StorageBackend;
  auth: readonly AuthPolicy[];
}

const HEARTBEAT_TIMEOUT_MS = 5_000;

export function mountUtilities(app: Hono, options: UtilityRouteOptions): void {
  const { project, httpApiVersion, storage, auth } = options;

  app.get('/', async function hello(c) {
    const url = new URL(c.req.url);
    const root = `${url.origin}${url.pathname}`.replace(/\/+$/, '');
    const body: Record<string, unknown> = {
      project_name: project.name,
      project_version: project.version,
      project_docs: project.docs ?? '',
      http_api_version: httpApiVersion,
      cliquet_protocol_version: '2',
      url: root,
      settings: { readonly: false, batch_max_requests: 25 },
      capabilities: {},
    };
    const user = await identify(auth, c.req.raw);
    if (user) body.user = { id: user.id, principals: user.principals };
    return c.json(body);
  });

  app.get('/__heartbeat__', async function heartbeat(c) {
    const ok = await withTimeout(storage.heartbeat(), HEARTBEAT_TIMEOUT_MS);
    return c.json({ storage: ok }, ok ? 200 : 503);
  });

  app.get('/__lbheartbeat__', function lbheartbeat(c) {
    return c.json({});
  });
}

async function withTimeout(check: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([check.catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
