/**
 * Every response is JSON: a client whose `Accept` header excludes JSON gets 406.
 *
 * @module
 */
import { ERRNO, HttpError } from '../errors/index.js';

const ACCEPTABLE = new Set(['*/*', 'application/*', 'application/json']);

export function assertAcceptsJson(headers: Headers): void {
  const accept = headers.get('Accept');
  if (accept === null || accept.trim() === '') return;
  const ranges = accept.split(',').map(parseRange);
  if (
    ranges.some(
      (range) => range.quality > 0 && (ACCEPTABLE.has(range.type) || range.type.endsWith('+json')),
    )
  ) {
    return;
  }
  throw new HttpError({
    code: 406,
    errno: ERRNO.INVALID_PARAMETERS,
    message: 'Responses are only available as application/json',
    details: [
      {
        location: 'header',
        name: 'Accept',
        description: 'Accept header should be one of application/json',
      },
    ],
  });
}

function parseRange(range: string): { type: string; quality: number } {
  const [type = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase());
  const q = params.find((param) => param.startsWith('q='));
  const quality = q === undefined ? 1 : Number(q.slice(2));
  return { type, quality: Number.isFinite(quality) ? quality : 0 };
}
