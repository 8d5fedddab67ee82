/**
 * Runs one shell sample of the documentation with bash and the real `curl`, stopping at the
 * first command that fails. Requests to the docs' `http://127.0.0.1:8888` reach a test
 * server through curl's `--connect-to`, which leaves the URL and the `Host` header as
 * written, so that the answers hold the same URLs as the docs. The shell variables a sample
 * sets are handed to the next samples of its page.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SampleRun {
  exitCode: number | null;
  stderr: string;
  /** What the sample's last `curl` printed. */
  output: string;
  /** The variables set so far: the ones given and the ones the sample set. */
  variables: Record<string, string>;
}

const DOCS_ORIGIN = '127.0.0.1:8888';
/** Variables bash sets by itself. */
const BASH_OWN = new Set(['_', 'SHLVL', 'PWD', 'OLDPWD']);

// `set -a` comes after `curl` is defined, to export only the samples' variables.
const PRELUDE = `
set -eo pipefail
trap 'echo "exit $? from: $BASH_COMMAND" >&2' ERR
trap 'env -0 > "$SAMPLE_DIRECTORY/env"' EXIT
curl() {
  command curl --noproxy "*" --max-time 10 --connect-to "${DOCS_ORIGIN}:$SAMPLE_SERVER" "$@" |
    tee "$SAMPLE_DIRECTORY/output"
}
set -a
`;

function readIfPresent(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Runs `script` against the server at `url` (`http://host:port`), with `variables` set. */
export async function runShellSample(
  script: string,
  url: string,
  variables: Record<string, string>,
): Promise<SampleRun> {
  const directory = mkdtempSync(join(tmpdir(), 'shell-sample-'));
  const given: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ...variables,
    SAMPLE_DIRECTORY: directory,
    SAMPLE_SERVER: new URL(url).host,
  };
  try {
    const bash = spawn('bash', ['-c', `${PRELUDE}\n${script}`], {
      env: given,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    bash.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      bash.once('error', reject);
      bash.once('close', resolve);
    });
    const set = { ...variables };
    for (const entry of readIfPresent(join(directory, 'env')).split('\0')) {
      const equals = entry.indexOf('=');
      const [name, value] = [entry.slice(0, equals), entry.slice(equals + 1)];
      if (equals > 0 && !BASH_OWN.has(name) && given[name] !== value) set[name] = value;
    }
    return {
      exitCode,
      stderr,
      output: readIfPresent(join(directory, 'output')),
      variables: set,
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
