import type { DeliveryResult } from './delivery-result';
import { postJson, type HttpSendOptions } from './http-post';
import type { NotificationPayload } from './notification-payload';
import { FerryHeader, signWebhookBody } from './webhook-signature';

/** Where a webhook goes. */
export interface WebhookTarget {
  url: string;
  /** The rule's HMAC secret; without one the request carries no `X-Ferry-Signature`. */
  secret?: string | null;
}

/** Per-attempt options of the webhook sender. */
export interface WebhookSendOptions extends HttpSendOptions {
  /** Sent as `X-Ferry-Delivery`; the same on every retry (see `deliveryId`). */
  deliveryId: string;
}

/**
 * POSTs the payload as JSON to a webhook receiver, signed with `X-Ferry-Signature:
 * sha256=<hex HMAC-SHA256 of the exact body>` when the target has a secret, and with
 * `X-Ferry-Delivery` and `X-Ferry-Event`. 2xx is delivered; 4xx other than 408/429 is permanent;
 * everything else, timeouts and network errors are transient. Does not check the address
 * guard: `deliver` does, or pass a `createReceiverAgent` dispatcher.
 */
export async function sendWebhook(
  target: WebhookTarget,
  payload: NotificationPayload,
  options: WebhookSendOptions,
): Promise<DeliveryResult> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    [FerryHeader.Delivery]: options.deliveryId,
    [FerryHeader.Event]: payload.event,
  };
  if (target.secret) headers[FerryHeader.Signature] = signWebhookBody(body, target.secret);
  return postJson(target.url, body, headers, options);
}
