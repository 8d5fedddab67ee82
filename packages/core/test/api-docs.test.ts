/**
 * Checks that docs/api is what `pnpm docs:api` makes of the current sources: runs TypeDoc with
 * the repository's typedoc.json into a temporary directory, and compares the two trees.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The files under `directory`, by path relative to it, with their contents. */
function tree(directory: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(directory, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(relative(directory, path).split('\\').join('/'), readFileSync(path, 'utf8'));
  }
  return files;
}

describe('the API reference', () => {
  it('docs/api is generated from the current sources', () => {
    const out = mkdtempSync(join(tmpdir(), 'pawl-api-docs-'));
    try {
      const typedoc = join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc');
      const run = spawnSync(process.execPath, [typedoc, '--out', out], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      expect(run.status, `typedoc failed:\n${run.stdout}${run.stderr}`).toBe(0);
      const generated = tree(out);
      const committed = tree(join(ROOT, 'docs', 'api'));
      const paths = new Set([...generated.keys(), ...committed.keys()]);
      const stale = [...paths].filter((path) => generated.get(path) !== committed.get(path));
      expect(
        stale.sort(),
        'docs/api differs from what the sources generate in these files: run `pnpm docs:api`',
      ).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
