/** Only a path of this console: a `next` parameter never sends anyone elsewhere. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.includes('\\') && !next.startsWith('/signin') ? next : '/';
}

