import { createHash } from 'node:crypto';
import { backoffDelay, type BackoffPolicy } from '@ferry/backoff';
import { NotificationEvent } from '@ferry/contracts';
import type { DeliveryResult } from './delivery-result';

/** How a failed delivery is retried; after the last of `maxAttempts` the delivery is dead. */
export interface RetryPolicy extends BackoffPolicy {
  /** Source of randomness in [0, 1); `Math.random` unless a test hands one in. */
  random?: () => number;
}

/**
 * The delay before the next attempt after `attempt` (1-based) failed, or null when `attempt` was
 * the last one allowed. Exponential backoff with full jitter (AWS architecture blog, "Exponential
 * Backoff And Jitter"): `random() * min(maxMs, baseMs * 2^(attempt-1))`, so retries from many
 * notifiers to one receiver spread out instead of arriving together. A receiver's `Retry-After`
 * raises the delay to at least that long (still capped by `maxMs`).
 */
export function nextRetryDelay(attempt: number, policy: RetryPolicy, retryAfterMs?: number): number | null {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be an integer >= 1, got ${attempt}`);
  if (attempt >= policy.maxAttempts) return null;
  const delay = backoffDelay(policy, attempt, policy.random);
  return retryAfterMs !== undefined && retryAfterMs > delay ? Math.min(retryAfterMs, policy.maxMs) : delay;
}

/** What the notifier does after an attempt. */
export type DeliveryStep =
  | { action: 'delivered' }
  | { action: 'retry'; delayMs: number }
  | { action: 'dead'; reason: 'permanent' | 'attempts_exhausted' };

/**
 * Folds an attempt's result and the policy into the next step: delivered, retry after a delay,
 * or dead (a permanent error, or the last attempt failed).
 */
export function nextDeliveryStep(result: DeliveryResult, attempt: number, policy: RetryPolicy): DeliveryStep {
  if (result.ok) return { action: 'delivered' };
  if (result.error && !result.error.retryable) return { action: 'dead', reason: 'permanent' };
  const delayMs = nextRetryDelay(attempt, policy, result.retryAfterMs);
  return delayMs === null ? { action: 'dead', reason: 'attempts_exhausted' } : { action: 'retry', delayMs };
}

/** The filter part of a notification rule. */
export interface NotificationFilter {
  /** The events the rule wants; any subset of started, succeeded, failed. */
  events: readonly NotificationEvent[];
  /**
   * For `failed` only: notify once the run is at least the N-th failure in a row (N = 1 or unset:
   * every failure). Started and succeeded events are not affected.
   */
  minConsecutiveFailures?: number | null;
}

/**
 * Whether a rule wants this event. `consecutiveFailures` is the length of the mirror's current
 * failure streak including the run being notified (0 when it did not fail).
 */
export function shouldNotify(rule: NotificationFilter, event: NotificationEvent, consecutiveFailures: number): boolean {
  if (!rule.events.includes(event)) return false;
  if (event !== NotificationEvent.Failed) return true;
  const threshold = rule.minConsecutiveFailures ?? 1;
  return consecutiveFailures >= Math.max(1, threshold);
}

// A fixed UUID namespace for Ferry delivery ids (RFC 9562 §5.5 name-based, SHA-1).
const DELIVERY_NAMESPACE = Buffer.from('6c0b1f4e8a3d5b2e9f17c4a0d2e85b39', 'hex');

/**
 * The id of delivering one event to one rule: a UUIDv5 of the pair, so every redelivery of the
 * event computes the same id and the delivery log's unique key turns a second send into a no-op.
 */
export function deliveryId(eventId: string, ruleId: string): string {
  // NUL cannot occur in either id, so distinct pairs never collide on concatenation.
  const hash = createHash('sha1').update(DELIVERY_NAMESPACE).update(`${eventId}\u0000${ruleId}`, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
