/** What a caller presented: `Authorization: Bearer <token>` or `Basic <user:secret>`. */
export type Credential = { kind: 'bearer'; token: string } | { kind: 'basic'; username: string; secret: string };

/**
 * Parses an Authorization header (HTTP) or `authorization` metadata entry (gRPC). Undefined: none
 * was sent; null: one was sent but cannot be read, which is refused like a wrong one.
 */
export function parseAuthorization(header: string | undefined): Credential | null | undefined {
  if (header === undefined || header === '') return undefined;
  const match = /^([A-Za-z]+) +(\S+)\s*$/.exec(header);
  if (!match) return null;
  const scheme = match[1]!.toLowerCase();
  const value = match[2]!;
  if (scheme === 'bearer') return value.length <= 8192 ? { kind: 'bearer', token: value } : null;
  if (scheme !== 'basic') return null;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || decoded.length > 4096) return null;
  return { kind: 'basic', username: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}
