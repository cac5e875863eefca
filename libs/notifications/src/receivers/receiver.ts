import type { Dispatcher } from 'undici';
import { z } from 'zod';
import type { DeliveryMethod } from '../delivery-method';
import type { DeliveryResult } from '../delivery-result';
import type { SmtpConfig } from '../email.sender';
import type { NotificationPayload } from '../notification-payload';
import type { HostResolver } from '../receiver-url.guard';

/** Everything one delivery attempt needs besides the target and the payload. */
export interface DeliverOptions {
  /** `deliveryId(eventId, ruleId)`: the same on every retry. */
  deliveryId: string;
  timeoutMs?: number;
  /**
   * Hosts, IPs or CIDRs that may receive HTTP deliveries although they are on loopback/private
   * addresses (tests allowlist `127.0.0.1`).
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

/** The `secret` of a method that signs nothing. */
export const NO_SECRET = z.null({ error: 'is for webhooks only' }).optional();

/** A rule's receiver as it is stored: the target (URL, address) and the webhook's secret. */
export interface ReceiverSettings {
  /** An HTTP method's URL, or the email address. */
  target: string;
  /** Webhook only: the HMAC key (open when read from a request, sealed when stored). */
  secret: string | null;
}

/** A rule's receiver as the API shows it (Quay's `config`): a secret only as `has_secret`. */
export type ReceiverConfigView = { email: string } | { url: string; has_secret: boolean };

/**
 * One delivery method: how a rule's `config` is read from the API (Quay's shape) and shown in it,
 * whether its target is an address the guard must admit, and how a payload is sent. Adding a
 * method is its file, its line in `RECEIVERS` and its member of `NotificationMethod`.
 *
 * `view`, `targetOf` and `send` are methods, not function-typed properties, so that every entry of
 * the table, each with its own target type `T`, is also a `Receiver<M>` (`T` = unknown). The callers
 * keep `T` straight: `deliverToReceiver` sends what the same receiver's `targetOf` made, and
 * `deliver` takes the target typed by `DeliveryTargets[M]`.
 */
export interface Receiver<M extends DeliveryMethod, T = unknown> {
  method: M;
  /** The rule's `config` in a request: validates it and reads it as settings. */
  configSchema: z.ZodType<ReceiverSettings>;
  /** The rule's `config` in an answer. */
  view(rule: { target: string; secret: unknown }): ReceiverConfigView;
  /**
   * True when the target is a URL on someone's network: the API refuses a private one when the
   * rule is created, and every send checks it again (`sendIfAllowed`).
   */
  guardsAddress: boolean;
  /** The target a rule's settings (the secret opened) send to. */
  targetOf(settings: ReceiverSettings): T;
  /** Sends one payload. Never throws for a failed delivery: the result says whether to retry. */
  send(target: T, payload: NotificationPayload, options: DeliverOptions): Promise<DeliveryResult>;
}
