/**
 * Runs every curl sample of README.md and docs/*.md (see `shell-samples.ts`) in page order
 * against the server the page talks to, just started on an empty database as `pnpm start`
 * would, and compares each response the page shows with the real one (see
 * `shown-output.ts`). Each sample is one test, named by its page and line.
 *
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEVELOPMENT_SECRET,
  type DocsServer,
  PROJECT_KEY,
  startChecksApp,
  startNotesApp,
} from './docs-app.js';
import { runShellSample } from './run-shell-sample.js';
import { type ShellSample, shellSamples } from './shell-samples.js';
import { type Bindings, bindValues, compareOutput } from './shown-output.js';
import { startServer } from './start-server.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The pages whose samples talk to another app than the reading list. */
const OTHER_APPS: Record<string, () => Promise<DocsServer>> = {
  'docs/README.md': startNotesApp,
  'docs/authentication.md': startChecksApp,
};

/** The reading list as the docs show it: with the development secret their user ids come from. */
const startReadingList = () => startServer({ USERID_HMAC_SECRET: DEVELOPMENT_SECRET });

function pages(): { doc: string; samples: ShellSample[] }[] {
  // benchmarks.md's commands time servers of their own.
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md') && name !== 'benchmarks.md')
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs]
    .map((doc) => ({ doc, samples: shellSamples(doc, readFileSync(join(ROOT, doc), 'utf8')) }))
    .filter(({ samples }) => samples.length > 0);
}

for (const { doc, samples } of pages()) {
  describe(`the curl samples of ${doc}`, () => {
    let server: DocsServer | undefined;
    const bindings: Bindings = new Map();
    // docs/authentication.md's API key sample sends the key from $PROJECT_KEY.
    let variables: Record<string, string> = { PROJECT_KEY };

    beforeAll(async () => {
      server = await (OTHER_APPS[doc] ?? startReadingList)();
    });

    afterAll(async () => {
      await server?.stop();
    });

    for (const sample of samples) {
      it(`${doc}:${sample.line}`, async () => {
        if (!server) throw new Error('the server did not start');
        const run = await runShellSample(
          bindValues(sample.script, bindings),
          server.url,
          variables,
        );
        variables = run.variables;
        expect(run.exitCode, run.stderr).toBe(0);
        if (sample.shown) {
          const problems = compareOutput(sample.shown, run.output, bindings);
          expect(problems, `the output shown at ${doc}:${sample.shown.line}`).toEqual([]);
        }
      });
    }
  });
}
