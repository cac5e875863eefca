import type { NotificationDeliveryError } from './notification-errors';

/** The outcome of one delivery attempt, as the delivery log stores it. */
export interface DeliveryResult {
  /** True when the receiver accepted the notification (HTTP 2xx, SMTP 250). */
  ok: boolean;
  /** HTTP status or final SMTP reply code; null when no answer came (timeout, refused, guard). */
  statusCode: number | null;
  /** Set when `ok` is false; `error.retryable` tells transient from permanent. */
  error?: NotificationDeliveryError;
  /** From the receiver's `Retry-After` on 429/503, in milliseconds. */
  retryAfterMs?: number;
  /** Wall time the attempt took. */
  durationMs: number;
}
