/**
 * The shell samples of a Markdown page that talk to a server: every ```sh block that runs
 * `curl`, or that only sets shell variables for the next ones, each with the response the
 * page shows right after it (a ```json or ```http block), if any.
 *
 * @module
 */

export interface ShownOutput {
  language: 'json' | 'http';
  /** The line of the opening fence. */
  line: number;
  text: string;
}

export interface ShellSample {
  /** The page, relative to the repository root. */
  doc: string;
  /** The line of the opening fence. */
  line: number;
  script: string;
  /** What the page shows the last `curl` of the sample answers. */
  shown: ShownOutput | undefined;
}

interface Block {
  language: string;
  /** The lines of the opening and closing fences, 1-based. */
  start: number;
  end: number;
  text: string;
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/;
const SHELL = new Set(['sh', 'bash', 'shell']);
const ASSIGNMENT = /^[A-Za-z_]\w*=\S*$/;

function fencedBlocks(lines: string[]): Block[] {
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] ?? '');
    if (!open) continue;
    const [, indent = '', fence = '', language = ''] = open;
    const body: string[] = [];
    let end = i + 1;
    for (; end < lines.length; end++) {
      const line = lines[end] ?? '';
      const closing = line.trimStart();
      if (closing.startsWith(fence) && closing.slice(fence.length).trim() === '') break;
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line);
    }
    blocks.push({ language, start: i + 1, end: end + 1, text: body.join('\n') });
    i = end;
  }
  return blocks;
}

function talksToServer(script: string): boolean {
  if (/\bcurl\b/.test(script)) return true;
  const commands = script
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  return commands.length > 0 && commands.every((line) => ASSIGNMENT.test(line));
}

export function shellSamples(doc: string, markdown: string): ShellSample[] {
  const lines = markdown.split('\n');
  const blocks = fencedBlocks(lines);
  const samples: ShellSample[] = [];
  for (const [i, block] of blocks.entries()) {
    if (!SHELL.has(block.language) || !talksToServer(block.text)) continue;
    const next = blocks[i + 1];
    const shown: ShownOutput | undefined =
      next !== undefined &&
      (next.language === 'json' || next.language === 'http') &&
      lines.slice(block.end, next.start - 1).every((line) => line.trim() === '')
        ? { language: next.language, line: next.start, text: next.text }
        : undefined;
    samples.push({ doc, line: block.start, script: block.text, shown });
  }
  return samples;
}
