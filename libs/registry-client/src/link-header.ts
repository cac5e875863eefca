/**
 * The target of a `Link: <url>; rel="next"` header (RFC 8288), as the distribution spec pages
 * tag and catalog listings and Harbor pages its API: the URL as sent, often relative, or null.
 */
export function nextPageLink(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header.join(', ') : header;
  if (!value) return null;
  const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(value);
  return m ? m[1]! : null;
}
