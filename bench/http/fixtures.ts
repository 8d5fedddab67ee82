/**
 * What the workloads need from a running system before they start: the path of a page 90%
 * deep into the collection. Kinto clients get there by following `Next-Page` tokens, which
 * is what this does (in pages of up to 10,000 records); the peer's client skips rows
 * (`$skip`, an SQL OFFSET).
 *
 * @module
 */
import type { Protocol } from './workloads.js';

const DEPTH = 0.9;
const LARGEST_PAGE = 10_000;

async function followTokens(origin: string, authorization: string, size: number): Promise<string> {
  const target = Math.floor(size * DEPTH);
  let url = new URL(`${origin}/v1/articles`);
  let seen = 0;
  for (let pages = 0; seen < target; pages += 1) {
    if (pages > target / LARGEST_PAGE + 2) throw new Error('the walk to the deep page did not end');
    url.searchParams.set('_limit', String(Math.min(LARGEST_PAGE, target - seen)));
    const response = await fetch(url, { headers: { authorization } });
    const next = response.headers.get('Next-Page');
    if (!response.ok || !next)
      throw new Error(`page ${pages} answered ${response.status} without Next-Page`);
    seen += ((await response.json()) as { data: unknown[] }).data.length;
    url = new URL(next);
  }
  url.searchParams.set('_limit', '25');
  return `${url.pathname}${url.search}`;
}

export async function deepPath(
  protocol: Protocol,
  origin: string,
  authorization: string,
  size: number,
): Promise<string> {
  if (protocol === 'kinto') return followTokens(origin, authorization, size);
  const skip = Math.floor(size * DEPTH);
  return `/articles?%24sort%5Blast_modified%5D=-1&%24limit=25&%24skip=${skip}`;
}
