/**
 * Starts the real reading-list server (`src/server.ts`, as `pnpm start` does) on a free port
 * with a temporary SQLite file, for tests that talk to it over HTTP.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

export interface RunningServer {
  /** The server's root URL, without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Everything the server wrote so far (its JSON log lines). */
  output(): string;
  /**
   * Stops the server (SIGTERM), removes the temporary database, and resolves to its exit
   * code (`null` when a signal ended it).
   */
  stop(): Promise<number | null>;
}

/** Starts the server; `env` adds to or overrides its environment (`DATABASE`, for one). */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const directory = mkdtempSync(join(tmpdir(), 'reading-list-test-'));
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      USERID_HMAC_SECRET: 'reading-list-test',
      DATABASE: join(directory, 'reading-list.db'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stdout.setEncoding('utf8');
  server.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    server.stdout.on('data', (chunk: string) => {
      output += chunk;
      const match = /ready on (http:\/\/\S+?)\/v1\//.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    server.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
  return {
    url,
    output: () => output,
    async stop() {
      if (server.exitCode === null && server.signalCode === null) {
        server.kill('SIGTERM');
        await once(server, 'exit');
      }
      rmSync(directory, { recursive: true, force: true });
      return server.exitCode;
    },
  };
}
