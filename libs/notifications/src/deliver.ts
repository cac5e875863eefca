import type { DeliveryMethod } from './delivery-method';
import type { DeliveryResult } from './delivery-result';
import type { NotificationPayload } from './notification-payload';
import type { DeliverOptions, Receiver, ReceiverSettings } from './receivers/receiver';
import { RECEIVERS } from './receivers/receivers';

/** The target each delivery method takes. */
export type DeliveryTargets = { [M in DeliveryMethod]: Parameters<(typeof RECEIVERS)[M]['send']>[0] };

/** The receiver of a method; throws for a method that is none of `RECEIVERS` (a bad cast upstream). */
function receiverOf(method: DeliveryMethod): Receiver<DeliveryMethod> {
  if (!Object.hasOwn(RECEIVERS, method)) throw new TypeError(`unknown delivery method: ${String(method)}`);
  return RECEIVERS[method];
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
  return receiverOf(method).send(target, payload, options);
}

/** A rule's receiver as the notifier holds it: the method, its target, the opened HMAC secret. */
export interface RuleReceiver extends ReceiverSettings {
  method: DeliveryMethod;
}

/** `deliver` for a rule's receiver: the notifier and the "test notification" endpoint both send through it. */
export async function deliverToReceiver(rule: RuleReceiver, payload: NotificationPayload, options: DeliverOptions): Promise<DeliveryResult> {
  const receiver = receiverOf(rule.method);
  return receiver.send(receiver.targetOf(rule), payload, options);
}
