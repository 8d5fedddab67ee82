/**
 * The article record of the storage-level benchmarks (`sqlite-storage.ts`, `sqlite-calls.ts`):
 * number `n`, with the fields the reading list filters and sorts on.
 *
 * @module
 */
export function article(n: number) {
  return {
    id: `a${String(n).padStart(8, '0')}`,
    title: `Article number ${n}`,
    url: `https://example.com/articles/${n}`,
    unread: n % 3 !== 0,
    favorite: n % 7 === 0,
    read_position: n % 100,
    tags: ['bench', `t${n % 10}`],
    stored_on: 1_700_000_000_000 + n,
  };
}
