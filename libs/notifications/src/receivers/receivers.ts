import type { DeliveryMethod } from '../delivery-method';
import { emailReceiver } from './email.receiver';
import type { Receiver } from './receiver';
import { slackReceiver } from './slack.receiver';
import { teamsReceiver } from './teams.receiver';
import { webhookReceiver } from './webhook.receiver';

/**
 * Every delivery method: adding one is its receiver file, its line here and its member of
 * `NotificationMethod`. The API's rule body, a rule's view, the creation-time address check, the
 * notifier's sends and its metrics all read this table.
 */
export const RECEIVERS = {
  webhook: webhookReceiver,
  slack: slackReceiver,
  email: emailReceiver,
  msteams: teamsReceiver,
} as const satisfies { [M in DeliveryMethod]: Receiver<M> };

/** The methods of `RECEIVERS`, in its order. */
export const DELIVERY_METHODS: readonly DeliveryMethod[] = Object.values(RECEIVERS).map((receiver) => receiver.method);
