/**
 * A thrown value as words for a log message: an Error's message (its name when it has none),
 * a string as it is, anything else as JSON. Never `undefined` or `[object Object]`.
 */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error || 'an empty error';
  if (error === undefined || error === null) return 'an error without a description';
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
