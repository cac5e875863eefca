import { z } from 'zod';
import type { DeliveryMethod } from '../delivery-method';
import type { DeliveryResult } from '../delivery-result';
import type { HttpSendOptions } from '../http-post';
import { NotificationDeliveryError } from '../notification-errors';
import type { NotificationPayload } from '../notification-payload';
import { assertReceiverAllowed } from '../receiver-url.guard';
import { NO_SECRET, type DeliverOptions, type Receiver, type ReceiverConfigView } from './receiver';

// What the receivers that POST to a URL share: their `config`, its view, and the address guard.

const URL_MESSAGE = 'must be an http:// or https:// URL';

/** A receiver's URL, as Ferry stores it (normalized by the URL parser). */
export const RECEIVER_URL = z
  .string({ error: URL_MESSAGE })
  .refine((value) => URL.canParse(value) && ['http:', 'https:'].includes(new URL(value).protocol), { error: URL_MESSAGE })
  .transform((value) => new URL(value).toString());

/** Quay's `config: { url }` of a method without a secret, read as settings. */
export const URL_CONFIG = z.object({ url: RECEIVER_URL, secret: NO_SECRET }).transform(({ url }) => ({ target: url, secret: null }));

/** An HTTP rule's `config` in an answer. */
export const urlConfigView = (rule: { target: string; secret: unknown }): ReceiverConfigView => ({ url: rule.target, has_secret: rule.secret !== null });

/** The HTTP part of the delivery options. */
export const httpOptions = (options: DeliverOptions): HttpSendOptions => ({ timeoutMs: options.timeoutMs, dispatcher: options.dispatcher, signal: options.signal });

/**
 * Sends only when the address guard admits `url` (loopback, private and other internal
 * addresses need an allowlist entry); a refused or malformed URL is a failed delivery, not a throw.
 */
export async function sendIfAllowed(url: string, options: DeliverOptions, send: () => Promise<DeliveryResult>): Promise<DeliveryResult> {
  try {
    await assertReceiverAllowed(url, options.allowedHosts ?? [], options.resolve);
  } catch (err) {
    if (err instanceof NotificationDeliveryError) return { ok: false, statusCode: null, error: err, durationMs: 0 };
    throw err;
  }
  return send();
}

/**
 * A method whose whole `config` is a URL without a secret (Slack, Teams): `post` sends the payload
 * there, after the address guard.
 */
export function urlReceiver<M extends DeliveryMethod>(
  method: M,
  post: (target: { url: string }, payload: NotificationPayload, options: HttpSendOptions) => Promise<DeliveryResult>,
): Receiver<M, { url: string }> {
  return {
    method,
    configSchema: URL_CONFIG,
    view: urlConfigView,
    guardsAddress: true,
    targetOf: ({ target }) => ({ url: target }),
    send: (target, payload, options) => sendIfAllowed(target.url, options, () => post(target, payload, httpOptions(options))),
  };
}
