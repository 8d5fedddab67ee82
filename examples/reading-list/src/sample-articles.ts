/**
 * Realistic sample articles for the reading list: titles, sites, authors, excerpts, tags,
 * lengths and reading states drawn from a fixed seed, so that the same count always gives
 * the same articles (and the same URLs).
 *
 * @module
 */
import type * as v from 'valibot';
import type { articleSchema } from './articles.js';

export type SampleArticle = v.InferInput<typeof articleSchema>;

const SEED = 0x5eed;

interface Topic {
  name: string;
  tags: string[];
}

const TOPICS: Topic[] = [
  { name: 'keyset pagination', tags: ['databases', 'api'] },
  { name: 'optimistic concurrency', tags: ['databases', 'distributed'] },
  { name: 'offline-first sync', tags: ['sync', 'mobile'] },
  { name: 'HTTP caching', tags: ['http', 'performance'] },
  { name: 'ETags', tags: ['http', 'api'] },
  { name: 'SQLite in production', tags: ['databases', 'sqlite'] },
  { name: 'write-ahead logging', tags: ['databases', 'internals'] },
  { name: 'CRDTs', tags: ['sync', 'distributed'] },
  { name: 'vector clocks', tags: ['distributed'] },
  { name: 'schema migrations', tags: ['databases', 'operations'] },
  { name: 'structured logging', tags: ['operations', 'observability'] },
  { name: 'distributed tracing', tags: ['observability'] },
  { name: 'rate limiting', tags: ['api', 'operations'] },
  { name: 'idempotency keys', tags: ['api', 'payments'] },
  { name: 'TypeScript generics', tags: ['typescript'] },
  { name: 'type-safe APIs', tags: ['typescript', 'api'] },
  { name: 'property-based testing', tags: ['testing'] },
  { name: 'flaky tests', tags: ['testing', 'ci'] },
  { name: 'monorepos', tags: ['tooling'] },
  { name: 'dependency upgrades', tags: ['tooling', 'maintenance'] },
  { name: 'accessible forms', tags: ['accessibility', 'frontend'] },
  { name: 'CSS grid', tags: ['css', 'frontend'] },
  { name: 'web components', tags: ['frontend'] },
  { name: 'service workers', tags: ['frontend', 'offline'] },
  { name: 'edge runtimes', tags: ['serverless', 'performance'] },
  { name: 'connection pooling', tags: ['databases', 'performance'] },
  { name: 'backpressure', tags: ['streams', 'performance'] },
  { name: 'feature flags', tags: ['operations', 'product'] },
  { name: 'incident reviews', tags: ['operations', 'culture'] },
  { name: 'code review', tags: ['culture'] },
  { name: 'technical writing', tags: ['writing'] },
  { name: 'API versioning', tags: ['api'] },
  { name: 'password hashing', tags: ['security'] },
  { name: 'HMAC signatures', tags: ['security', 'api'] },
  { name: 'Unicode normalization', tags: ['text', 'internals'] },
  { name: 'time zones', tags: ['dates', 'bugs'] },
];

const TEMPLATES = [
  (t: string) => `A gentle introduction to ${t}`,
  (t: string) => `What I wish I had known about ${t}`,
  (t: string) => `${capitalize(t)} in practice`,
  (t: string) => `${capitalize(t)}, explained with diagrams`,
  (t: string) => `Why ${t} is harder than it looks`,
  (t: string) => `The case for ${t}`,
  (t: string) => `Notes on ${t}`,
  (t: string) => `${capitalize(t)}: a field guide`,
  (t: string) => `How we rebuilt our stack around ${t}`,
  (t: string) => `Ten years of ${t}`,
  (t: string) => `Debugging ${t} at 3 a.m.`,
  (t: string) => `${capitalize(t)} without the hype`,
  (t: string) => `Everything you need to know about ${t}`,
  (t: string) => `Lessons from a year of ${t}`,
  (t: string) => `A short history of ${t}`,
  (t: string) => `The hidden costs of ${t}`,
];

const EXCERPTS = [
  (t: string) => `A practical look at ${t}, with the mistakes we made along the way.`,
  (t: string) => `Most teams meet ${t} too late. Here is how to get ahead of it.`,
  (t: string) => `We measured ${t} on real traffic; the results surprised us.`,
  (t: string) => `From first principles to production: ${t}, step by step.`,
  (t: string) => `An opinionated tour of ${t}, and when not to bother.`,
  (t: string) => `The trade-offs of ${t}, in plain words and small examples.`,
];

const SITES = [
  { host: 'engineering.northwind.example', authors: ['Priya Raman', 'Tomás Ortega'] },
  { host: 'blog.fieldnotes.example', authors: ['Hannah Okafor'] },
  { host: 'www.quietbuild.example', authors: ['Marek Nowak', 'Lena Fischer'] },
  { host: 'dev.lighthouse.example', authors: ['Aiko Tanaka', 'Sam Whitfield'] },
  { host: 'notes.smallsystems.example', authors: ['Jonas Berg'] },
  { host: 'www.thecompiler.example', authors: ['Fatima Zahra', 'Oliver Grant', 'Mei Lin'] },
  { host: 'journal.openrails.example', authors: ['Diego Alvarez'] },
  { host: 'www.weeklydiff.example', authors: ['Ruth Adeyemi', 'Chris Novak'] },
  { host: 'writing.paperplane.example', authors: ['Elif Kaya'] },
  { host: 'tech.harbourline.example', authors: ['Noah Fraser', 'Ines Duarte'] },
];

const EXTRA_TAGS = ['long read', 'tutorial', 'opinion', 'case study', 'video', 'to share'];

/** mulberry32: a small seeded generator of numbers in [0, 1). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function slugify(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** `count` articles, always the same ones for the same count; every URL is different. */
export function sampleArticles(count: number): SampleArticle[] {
  const random = seededRandom(SEED);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const urls = new Set<string>();
  const articles: SampleArticle[] = [];
  for (let index = 0; index < count; index++) {
    const topic = pick(TOPICS);
    const site = pick(SITES);
    const title = pick(TEMPLATES)(topic.name);
    const year = 2018 + Math.floor(random() * 9);
    const base = `https://${site.host}/${year}/${slugify(title)}`;
    let url = base;
    for (let n = 2; urls.has(url); n++) url = `${base}-${n}`;
    urls.add(url);
    // Lengths from a short note to a long essay, most around 1,500 words.
    const wordCount = Math.round(300 + 6000 * random() ** 2.5);
    const unread = random() < 0.7;
    const tags = [...topic.tags];
    if (random() < 0.3) tags.push(pick(EXTRA_TAGS));
    const name = pick(site.authors);
    articles.push({
      title,
      url,
      unread,
      favorite: random() < 0.12,
      read_position: unread ? (random() < 0.2 ? Math.floor(wordCount * random()) : 0) : wordCount,
      word_count: wordCount,
      excerpt: pick(EXCERPTS)(topic.name),
      tags,
      author: { name, url: `https://${site.host}/authors/${slugify(name)}` },
    });
  }
  return articles;
}
