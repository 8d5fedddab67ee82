/**
 * `pnpm sample-data`: fills a running reading list with realistic articles, posted through
 * `POST /v1/batch` in batches of the server's `batch_max_requests`.
 *
 * Options: `--count` (default 3000), `--url` (default http://127.0.0.1:8888), `--user` and
 * `--password` (default `demo` / `demo`). The articles are the same on every run, so a
 * second run finds them all there already (409) and counts them as skipped duplicates.
 * Shows a progress bar on a terminal and ends with a summary; exits with 1 if any article
 * could not be stored.
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { type SampleArticle, sampleArticles } from './sample-articles.js';

const USAGE = `Usage: pnpm sample-data [--count 3000] [--url http://127.0.0.1:8888] [--user demo] [--password demo]`;

interface Options {
  count: number;
  api: string;
  authorization: string;
}

interface Totals {
  created: number;
  duplicates: number;
  failed: number;
  /** Each failure message and how often it came. */
  failures: Map<string, number>;
}

interface BatchAnswer {
  responses: { status: number; body: { message?: string } | null }[];
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      count: { type: 'string', default: '3000' },
      url: { type: 'string', default: 'http://127.0.0.1:8888' },
      user: { type: 'string', default: 'demo' },
      password: { type: 'string', default: 'demo' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const count = Number(values.count);
  if (!Number.isInteger(count) || count < 1) throw new Error(`--count must be a positive integer`);
  const credentials = Buffer.from(`${values.user}:${values.password}`).toString('base64');
  return {
    count,
    api: `${values.url.replace(/\/+$/, '')}/v1`,
    authorization: `Basic ${credentials}`,
  };
}

async function batchMaxRequests(api: string): Promise<number> {
  let response: Response;
  try {
    response = await fetch(`${api}/`);
  } catch {
    throw new Error(`Cannot reach the reading list at ${api}/: is it running (pnpm start)?`);
  }
  if (!response.ok) throw new Error(`GET ${api}/ answered ${response.status}`);
  const hello = (await response.json()) as { settings?: { batch_max_requests?: number } };
  const size = hello.settings?.batch_max_requests;
  if (!size) throw new Error(`GET ${api}/ gave no settings.batch_max_requests`);
  return size;
}

/** Posts one batch of creations and adds its outcome to `totals`. */
async function postBatch(options: Options, articles: SampleArticle[], totals: Totals) {
  const response = await fetch(`${options.api}/batch`, {
    method: 'POST',
    headers: { Authorization: options.authorization, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      defaults: { method: 'POST', path: '/articles' },
      requests: articles.map((data) => ({ body: { data } })),
    }),
  });
  const body = (await response.json()) as BatchAnswer & { message?: string };
  if (response.status !== 200) {
    fail(totals, `batch: ${response.status} ${body.message ?? ''}`.trim(), articles.length);
    return;
  }
  for (const { status, body: answer } of body.responses) {
    if (status === 201) totals.created++;
    else if (status === 409) totals.duplicates++;
    else fail(totals, `${status} ${answer?.message ?? ''}`.trim(), 1);
  }
}

function fail(totals: Totals, message: string, count: number): void {
  totals.failed += count;
  totals.failures.set(message, (totals.failures.get(message) ?? 0) + count);
}

/** A one-line progress bar on stderr, redrawn in place; silent when stderr is no terminal. */
function progressBar(total: number, started: number) {
  const width = 30;
  return {
    update(done: number): void {
      if (!process.stderr.isTTY) return;
      const filled = Math.round((done / total) * width);
      const seconds = (performance.now() - started) / 1000;
      const rate = seconds > 0 ? Math.round(done / seconds) : 0;
      process.stderr.write(
        `\r[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total} ` +
          `${Math.floor((done / total) * 100)}% · ${rate} records/s`,
      );
    },
    stop(): void {
      if (process.stderr.isTTY) process.stderr.write('\n');
    },
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const size = await batchMaxRequests(options.api);
  const articles = sampleArticles(options.count);
  const totals: Totals = { created: 0, duplicates: 0, failed: 0, failures: new Map() };
  const started = performance.now();
  const bar = progressBar(articles.length, started);
  bar.update(0);
  for (let start = 0; start < articles.length; start += size) {
    await postBatch(options, articles.slice(start, start + size), totals);
    bar.update(Math.min(start + size, articles.length));
  }
  bar.stop();
  const seconds = (performance.now() - started) / 1000;
  console.log(
    [
      `${articles.length} sample articles → ${options.api}/articles (batches of ${size})`,
      `  created:            ${totals.created}`,
      `  skipped duplicates: ${totals.duplicates}`,
      `  failed:             ${totals.failed}`,
      `  ${Math.round(articles.length / seconds)} records/s (${seconds.toFixed(1)} s)`,
      ...[...totals.failures].map(([message, count]) => `  ${count} × ${message}`),
    ].join('\n'),
  );
  if (totals.failed > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) console.error(USAGE);
  process.exitCode = 1;
});
