/**
 * Compares the response a documentation page shows with the real one.
 *
 * Record ids, timestamps and pagination tokens differ from run to run: each one the page
 * shows stands for the real value at its place. The first sighting binds the two, later
 * sightings must agree, and `bindValues` rewrites the next samples of the page to send the
 * real values where the page sends its own. Dates (`Last-Modified`) only need to be dates.
 * In JSON, an object holding `"…": "…"` may have more fields, and only `last_modified`
 * numbers are bound: other timestamps (`stored_on`, set by a hook) need only be timestamps.
 *
 * @module
 */
import type { ShownOutput } from './shell-samples.js';

/** The page's values mapped to the real ones. */
export type Bindings = Map<string, string>;

const ULID = '[0-7][0-9A-HJKMNP-TV-Z]{25}';
const TIMESTAMP = '1\\d{12}';
const HTTP_DATE = '[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT';
const VARIABLE = new RegExp(
  `(?<![\\w-])(?:${ULID}|${TIMESTAMP})(?![\\w-])|(?<=_token=)[\\w-]+|${HTTP_DATE}`,
  'g',
);

function whole(pattern: string): RegExp {
  return new RegExp(`^${pattern}$`);
}

const IS_ULID = whole(ULID);
const IS_TIMESTAMP = whole(TIMESTAMP);
const IS_HTTP_DATE = whole(HTTP_DATE);

/** Headers the pages leave out. */
const UNSHOWN = new Set(['date', 'connection', 'keep-alive']);
const ANY_FIELDS = '…';

export function bindValues(script: string, bindings: Bindings): string {
  let bound = script;
  for (const [shown, real] of bindings) bound = bound.replaceAll(shown, real);
  return bound;
}

function bind(
  shown: string,
  real: string,
  at: string,
  bindings: Bindings,
  problems: string[],
): void {
  const earlier = bindings.get(shown);
  if (earlier === undefined) bindings.set(shown, real);
  else if (earlier !== real)
    problems.push(`${at}: ${shown} stood for ${earlier} earlier, here ${real}`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compareText(
  shown: string,
  real: string,
  at: string,
  bindings: Bindings,
  problems: string[],
): void {
  const variables: string[] = [];
  let pattern = '';
  let last = 0;
  for (const match of shown.matchAll(VARIABLE)) {
    const [value] = match;
    pattern += escapeRegExp(shown.slice(last, match.index));
    if (IS_HTTP_DATE.test(value)) pattern += HTTP_DATE;
    else {
      variables.push(value);
      if (IS_ULID.test(value)) pattern += `(${ULID})`;
      else if (IS_TIMESTAMP.test(value)) pattern += `(${TIMESTAMP})`;
      else pattern += '([\\w-]+)';
    }
    last = match.index + value.length;
  }
  pattern += escapeRegExp(shown.slice(last));
  const found = whole(pattern).exec(real);
  if (!found) {
    problems.push(`${at}: shown ${JSON.stringify(shown)}, got ${JSON.stringify(real)}`);
    return;
  }
  variables.forEach((variable, i) => {
    bind(variable, found[i + 1] ?? '', at, bindings, problems);
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compareJson(
  shown: unknown,
  real: unknown,
  path: string,
  bindings: Bindings,
  problems: string[],
): void {
  const at = path || 'the body';
  if (isObject(shown)) {
    if (!isObject(real)) {
      problems.push(`${at}: shown an object, got ${JSON.stringify(real)}`);
      return;
    }
    for (const [key, value] of Object.entries(shown)) {
      if (key === ANY_FIELDS) continue;
      if (key in real) compareJson(value, real[key], `${path}.${key}`, bindings, problems);
      else problems.push(`${path}.${key}: missing`);
    }
    if (!(ANY_FIELDS in shown)) {
      for (const key of Object.keys(real)) {
        if (!(key in shown)) problems.push(`${path}.${key}: not shown`);
      }
    }
  } else if (Array.isArray(shown)) {
    if (!Array.isArray(real) || real.length !== shown.length) {
      problems.push(`${at}: shown ${shown.length} items, got ${JSON.stringify(real)}`);
      return;
    }
    shown.forEach((item, i) => {
      compareJson(item, real[i], `${path}[${i}]`, bindings, problems);
    });
  } else if (typeof shown === 'string' && typeof real === 'string') {
    compareText(shown, real, at, bindings, problems);
  } else if (typeof shown === 'number' && IS_TIMESTAMP.test(String(shown))) {
    if (!IS_TIMESTAMP.test(String(real))) {
      problems.push(`${at}: shown a timestamp, got ${JSON.stringify(real)}`);
    } else if (path.endsWith('.last_modified')) {
      bind(String(shown), String(real), at, bindings, problems);
    }
  } else if (shown !== real) {
    problems.push(`${at}: shown ${JSON.stringify(shown)}, got ${JSON.stringify(real)}`);
  }
}

const NOT_JSON = Symbol('not JSON');

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

function compareBody(shown: string, real: string, bindings: Bindings, problems: string[]): void {
  if (shown.trim() === '' || real.trim() === '') {
    if (shown.trim() !== real.trim()) problems.push(`body: shown ${shown}, got ${real}`);
    return;
  }
  const [expected, actual] = [parseJson(shown), parseJson(real)];
  if (expected === NOT_JSON) problems.push(`body: the page shows no JSON: ${shown}`);
  else if (actual === NOT_JSON) problems.push(`body: not JSON: ${real}`);
  else compareJson(expected, actual, '', bindings, problems);
}

interface HttpResponse {
  status: string;
  headers: [name: string, value: string][];
  /** Whether a `...` line says more headers follow. */
  more: boolean;
  body: string;
}

function parseHttp(text: string): HttpResponse {
  const normalized = text.replaceAll('\r\n', '\n');
  const split = normalized.indexOf('\n\n');
  const head = split === -1 ? normalized.trimEnd() : normalized.slice(0, split);
  const [status = '', ...fields] = head.split('\n');
  const headers: [string, string][] = [];
  for (const field of fields.filter((line) => line !== '...')) {
    const colon = field.indexOf(':');
    headers.push([field.slice(0, colon).toLowerCase(), field.slice(colon + 1).trim()]);
  }
  return {
    status,
    headers,
    more: fields.includes('...'),
    body: split === -1 ? '' : normalized.slice(split + 2),
  };
}

function compareHttp(shown: string, real: string, bindings: Bindings, problems: string[]): void {
  const expected = parseHttp(shown);
  const actual = parseHttp(real);
  compareText(expected.status, actual.status, 'status line', bindings, problems);
  const received = new Map(actual.headers.filter(([name]) => !UNSHOWN.has(name)));
  for (const [name, value] of expected.headers) {
    const got = received.get(name);
    if (got === undefined) problems.push(`header ${name}: missing`);
    else compareText(value, got, `header ${name}`, bindings, problems);
    received.delete(name);
  }
  if (!expected.more) {
    for (const [name, value] of received) problems.push(`header ${name}: ${value}: not shown`);
  }
  compareBody(expected.body, actual.body, bindings, problems);
}

/** The differences between the output a page shows and the real one; binds their values. */
export function compareOutput(shown: ShownOutput, real: string, bindings: Bindings): string[] {
  const problems: string[] = [];
  if (shown.language === 'http') compareHttp(shown.text, real, bindings, problems);
  else compareBody(shown.text, real, bindings, problems);
  return problems;
}
