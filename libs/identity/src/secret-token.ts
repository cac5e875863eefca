import { createHash, randomBytes } from 'node:crypto';

/**
 * Ferry's bearer secrets: 32 random bytes behind a prefix that names what they are, so that
 * secret scanners (GitHub's, gitleaks) can find a leaked one and so that a caller's credential is
 * told apart without a lookup. Only their sha256 is stored; the token is shown once.
 */
export const TokenKind = {
  /** A user's API token. */
  User: 'ferry_pat_',
  /** A robot account's token. */
  Robot: 'ferry_rbt_',
  /** An upstream push hook's secret. */
  Hook: 'ferry_hook_',
} as const;
export type TokenKind = (typeof TokenKind)[keyof typeof TokenKind];

const BODY = '[A-Za-z0-9_-]{43}';
const SHAPES: Record<TokenKind, RegExp> = {
  [TokenKind.User]: new RegExp(`^${TokenKind.User}${BODY}$`),
  [TokenKind.Robot]: new RegExp(`^${TokenKind.Robot}${BODY}$`),
  [TokenKind.Hook]: new RegExp(`^${TokenKind.Hook}${BODY}$`),
};

export interface MintedToken {
  /** Shown to its owner once. */
  token: string;
  /** What is stored. */
  hash: string;
}

export function mintToken(kind: TokenKind): MintedToken {
  const token = `${kind}${randomBytes(32).toString('base64url')}`;
  return { token, hash: tokenHash(token) };
}

/** sha256, hex: the token has 256 bits of entropy, so a fast hash is enough (unlike a password). */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Which kind of token this is, or null when it is no token of Ferry's (malformed, or a password). */
export function tokenKindOf(candidate: string): TokenKind | null {
  for (const kind of Object.values(TokenKind)) if (SHAPES[kind].test(candidate)) return kind;
  return null;
}
