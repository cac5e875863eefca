import type { Dispatcher } from 'undici';
import { DeliveryMethod } from './delivery-method';
import type { DeliveryResult } from './delivery-result';
import { sendEmail, type EmailTarget, type SmtpConfig } from './email.sender';
import { NotificationDeliveryError, DeliveryErrorCode } from './notification-errors';
import type { NotificationPayload } from './notification-payload';
import { assertReceiverAllowed, type HostResolver } from './receiver-url.guard';
import { sendSlack, type SlackTarget } from './slack.sender';
import { sendWebhook, type WebhookTarget } from './webhook.sender';

/** The target each delivery method takes. */
export interface DeliveryTargets {
  webhook: WebhookTarget;
  slack: SlackTarget;
  email: EmailTarget;
}

/** Everything one delivery attempt needs besides the target and the payload. */
export interface DeliverOptions {
  /** `deliveryId(eventId, ruleId)`: the same on every retry. */
  deliveryId: string;
  timeoutMs?: number;
  /**
   * Hosts, IPs or CIDRs that may receive webhooks and Slack messages although they are on
   * loopback/private addresses (tests allowlist `127.0.0.1`).
   */
  allowedHosts?: readonly string[];
  /**
   * The dispatcher for HTTP methods. Pass one `createReceiverAgent(allowedHosts)` for the whole
   * process; it re-checks addresses at connect time (DNS rebinding). Without it, undici's global
   * dispatcher is used and only the up-front check applies.
   */
  dispatcher?: Dispatcher;
  /** Required for `email`. */
  smtp?: SmtpConfig;
  signal?: AbortSignal;
  /** For tests: how host names resolve during the up-front check. */
  resolve?: HostResolver;
}

/**
 * Delivers one payload by one method: the single entry point of the notifier. HTTP receivers
 * pass the address guard first. Never throws for a failed delivery: the result says whether to
 * retry (`error.retryable`); throws only for a method it does not know.
 */
export async function deliver<M extends DeliveryMethod>(
  method: M,
  target: DeliveryTargets[M],
  payload: NotificationPayload,
  options: DeliverOptions,
): Promise<DeliveryResult> {
  const http = { timeoutMs: options.timeoutMs, dispatcher: options.dispatcher, signal: options.signal };
  switch (method) {
    case DeliveryMethod.Webhook:
    case DeliveryMethod.Slack: {
      const { url } = target as WebhookTarget | SlackTarget;
      try {
        await assertReceiverAllowed(url, options.allowedHosts ?? [], options.resolve);
      } catch (err) {
        if (err instanceof NotificationDeliveryError) return { ok: false, statusCode: null, error: err, durationMs: 0 };
        throw err;
      }
      return method === DeliveryMethod.Webhook
        ? sendWebhook(target as WebhookTarget, payload, { ...http, deliveryId: options.deliveryId })
        : sendSlack(target as SlackTarget, payload, http);
    }
    case DeliveryMethod.Email: {
      if (!options.smtp) {
        const error = new NotificationDeliveryError(DeliveryErrorCode.NotConfigured, 'email delivery needs SMTP settings', {
          retryable: false,
        });
        return { ok: false, statusCode: null, error, durationMs: 0 };
      }
      return sendEmail(options.smtp, target as EmailTarget, payload, {
        deliveryId: options.deliveryId,
        timeoutMs: options.timeoutMs,
      });
    }
    default:
      throw new TypeError(`unknown delivery method: ${String(method)}`);
  }
}

/** A rule's receiver as the notifier holds it: the method, its target, the opened HMAC secret. */
export interface Receiver {
  method: DeliveryMethod;
  /** Webhook or Slack URL, or the email address. */
  target: string;
  /** Webhook only: the HMAC key, already opened. */
  secret: string | null;
}

/** `deliver` for a rule's receiver: the notifier and the "test notification" endpoint both send through it. */
export function deliverToReceiver(receiver: Receiver, payload: NotificationPayload, options: DeliverOptions): Promise<DeliveryResult> {
  switch (receiver.method) {
    case DeliveryMethod.Webhook:
      return deliver(DeliveryMethod.Webhook, { url: receiver.target, secret: receiver.secret }, payload, options);
    case DeliveryMethod.Slack:
      return deliver(DeliveryMethod.Slack, { url: receiver.target }, payload, options);
    case DeliveryMethod.Email:
      return deliver(DeliveryMethod.Email, { to: receiver.target }, payload, options);
    default:
      throw new TypeError(`unknown delivery method: ${String(receiver.method as never)}`);
  }
}
