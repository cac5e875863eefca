import { InvalidRequestError } from './problem';

/** `?limit=` of a list endpoint: 1 to 500, default 50. */
export function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return 50;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 500) throw new InvalidRequestError([{ field: 'limit', message: 'must be a whole number from 1 to 500' }]);
  return n;
}
