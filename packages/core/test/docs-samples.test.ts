/**
 * Type-checks every TypeScript sample of the documentation (README.md and docs/*.md) in one
 * `tsc --noEmit` run, with `@pawl/*` resolved to the workspace sources.
 *
 * Each ```ts block becomes one file. A block right under a heading that names a `.ts` file in
 * backticks (e.g. "### `src/app.ts`: the app") is written under that path, so that the
 * samples of one page can import each other (`./app.js`); any other block is written beside
 * the last named file of its page. Blocks opened with ```ts fragment are skipped.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SAMPLES = fileURLToPath(new URL('./.samples/', import.meta.url));

interface Sample {
  /** The Markdown file, relative to the repository root. */
  doc: string;
  /** 1-based rank among the page's ts blocks, fragments included. */
  block: number;
  /** The line of the opening fence in the Markdown file. */
  line: number;
  /** The file written, relative to `SAMPLES`. */
  file: string;
  code: string;
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)\s*(.*)$/;
const NAMED_FILE = /`([\w./-]+\.ts)`/;

/** The ts blocks of one Markdown file, with the file each one is written to. */
function extractSamples(doc: string, text: string): Sample[] {
  const lines = text.split('\n');
  const page = doc.replace(/\.md$/i, '').replaceAll('/', '_');
  const samples: Sample[] = [];
  const used = new Set<string>();
  let directory = '';
  let heading: { file: string | undefined; taken: boolean } = { file: undefined, taken: false };
  let block = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/^#{1,6}\s/.test(line)) {
      heading = { file: NAMED_FILE.exec(line)?.[1], taken: false };
      continue;
    }
    const open = FENCE.exec(line);
    if (!open) continue;
    const [, indent = '', fence = '', language = '', rest = ''] = open;
    const body: string[] = [];
    let end = i + 1;
    for (; end < lines.length; end++) {
      const closing = (lines[end] ?? '').trimStart();
      if (closing.startsWith(fence) && closing.slice(fence.length).trim() === '') break;
      body.push(
        (lines[end] ?? '').startsWith(indent)
          ? (lines[end] ?? '').slice(indent.length)
          : (lines[end] ?? ''),
      );
    }
    const start = i + 1;
    i = end;
    if (language !== 'ts' && language !== 'typescript') continue;
    block += 1;
    if (rest.split(/\s+/).includes('fragment')) continue;
    let file: string;
    if (heading.file && !heading.taken && !used.has(posix.normalize(heading.file))) {
      file = posix.normalize(heading.file);
      directory = posix.dirname(file) === '.' ? '' : posix.dirname(file);
    } else {
      file = posix.join(directory, `block-${block}.ts`);
    }
    heading.taken = true;
    used.add(file);
    samples.push({ doc, block, line: start, file: posix.join(page, file), code: body.join('\n') });
  }
  return samples;
}

function markdownFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}

/** `@pawl/*` names mapped to the workspace sources: `.` and every subpath export with a source. */
function workspacePaths(): Record<string, string[]> {
  const paths: Record<string, string[]> = {};
  for (const entry of readdirSync(join(ROOT, 'packages'))) {
    const packageDir = join(ROOT, 'packages', entry);
    const manifestPath = join(packageDir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      name?: string;
      exports?: Record<string, unknown>;
    };
    if (!manifest.name) continue;
    for (const subpath of Object.keys(manifest.exports ?? { '.': null })) {
      const name = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
      const stem = subpath === '.' ? 'index' : `${subpath.slice(2)}/index`;
      const source = join(packageDir, 'src', `${stem}.ts`);
      if (existsSync(source)) paths[name] = [source];
    }
  }
  return paths;
}

/**
 * Links, in `SAMPLES/node_modules`, the third-party packages that workspace packages and
 * examples depend on (`@hono/node-server`, `pino`...), so that samples import them as users do.
 */
function linkDependencies(): void {
  const target = join(SAMPLES, 'node_modules');
  const linked = new Set<string>();
  const owners = ['packages', 'examples'].flatMap((group) =>
    existsSync(join(ROOT, group))
      ? readdirSync(join(ROOT, group)).map((entry) => join(ROOT, group, entry, 'node_modules'))
      : [],
  );
  for (const modules of [...owners, join(ROOT, 'node_modules')]) {
    if (!existsSync(modules)) continue;
    for (const entry of readdirSync(modules)) {
      if (entry.startsWith('.')) continue;
      const names = entry.startsWith('@')
        ? readdirSync(join(modules, entry)).map((scoped) => `${entry}/${scoped}`)
        : [entry];
      for (const name of names) {
        if (linked.has(name) || name.startsWith('@pawl/')) continue;
        linked.add(name);
        mkdirSync(dirname(join(target, name)), { recursive: true });
        symlinkSync(join(modules, name), join(target, name), 'dir');
      }
    }
  }
}

interface Diagnostic {
  sample: Sample | undefined;
  file: string;
  line: number;
  message: string;
}

function parseDiagnostics(output: string, byFile: Map<string, Sample>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const text of output.split('\n')) {
    const match = /^(.+?)\((\d+),\d+\): (error .*)$/.exec(text.trim());
    if (!match) continue;
    const [, path = '', line = '0', message = ''] = match;
    const file = relative(SAMPLES, join(SAMPLES, path)).split('\\').join('/');
    diagnostics.push({ sample: byFile.get(file), file: path, line: Number(line), message });
  }
  return diagnostics;
}

function describeDiagnostic({ sample, file, line, message }: Diagnostic): string {
  if (!sample) return `${file}:${line}: ${message}`;
  return `${sample.doc}:${sample.line + line} (ts block ${sample.block}, written to ${sample.file}): ${message}`;
}

describe('documentation samples', () => {
  afterAll(() => {
    // Left behind, the files would be linted and type-checked with the sources.
    // PAWL_KEEP_SAMPLES=1 keeps them, to run tsc on them by hand.
    if (!process.env.PAWL_KEEP_SAMPLES) rmSync(SAMPLES, { recursive: true, force: true });
  });

  it('type-check, every ```ts block of README.md and docs/*.md', () => {
    const samples = markdownFiles().flatMap((doc) =>
      extractSamples(doc, readFileSync(join(ROOT, doc), 'utf8')),
    );
    expect(samples.length).toBeGreaterThan(0);

    rmSync(SAMPLES, { recursive: true, force: true });
    mkdirSync(SAMPLES, { recursive: true });
    linkDependencies();
    const byFile = new Map<string, Sample>();
    for (const sample of samples) {
      const path = join(SAMPLES, sample.file);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, `${sample.code}\n`);
      byFile.set(sample.file, sample);
    }
    const tsconfig = {
      extends: join(ROOT, 'tsconfig.base.json'),
      compilerOptions: {
        noEmit: true,
        baseUrl: ROOT,
        paths: workspacePaths(),
        // Blocks without imports are modules too: their top-level names must not collide.
        moduleDetection: 'force',
      },
      files: samples.map((sample) => sample.file),
    };
    writeFileSync(join(SAMPLES, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));

    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const run = spawnSync(
      process.execPath,
      [tsc, '-p', join(SAMPLES, 'tsconfig.json'), '--pretty', 'false'],
      {
        cwd: SAMPLES,
        encoding: 'utf8',
      },
    );
    const output = `${run.stdout}${run.stderr}`;
    const diagnostics = parseDiagnostics(output, byFile);
    const report = diagnostics.map(describeDiagnostic);
    if (run.status !== 0 && report.length === 0)
      report.push(output.trim() || `tsc exited with ${run.status}`);
    expect(
      report,
      `Samples that do not compile (files in ${relative(ROOT, SAMPLES)}):\n${report.join('\n')}`,
    ).toEqual([]);
  }, 60_000);
});
