import { createHmac, timingSafeEqual } from 'node:crypto';

/** The headers Ferry sets on webhook and Slack requests, lower-case as Node reads them. */
export const FerryHeader = {
  /** `sha256=<hex HMAC-SHA256 of the exact body bytes, keyed with the rule's secret>`. */
  Signature: 'x-ferry-signature',
  /** The delivery id: the same on every retry of one notification to one rule. */
  Delivery: 'x-ferry-delivery',
  /** The notification event, e.g. `repo_mirror_sync_failed`. */
  Event: 'x-ferry-event',
} as const;
export type FerryHeader = (typeof FerryHeader)[keyof typeof FerryHeader];

const PREFIX = 'sha256=';

/** The `X-Ferry-Signature` value for a body: `sha256=` and the lower-case hex HMAC-SHA256. */
export function signWebhookBody(body: string | Uint8Array, secret: string): string {
  return PREFIX + createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * What a receiver does: recompute the signature over the raw body and compare in constant time.
 * Returns false for a missing or malformed header.
 */
export function verifyWebhookSignature(
  body: string | Uint8Array,
  secret: string,
  header: string | null | undefined,
): boolean {
  if (typeof header !== 'string' || !header.startsWith(PREFIX)) return false;
  const expected = Buffer.from(signWebhookBody(body, secret), 'utf8');
  const given = Buffer.from(header, 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
