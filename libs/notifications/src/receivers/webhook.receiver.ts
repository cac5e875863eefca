import { z } from 'zod';
import { sendWebhook, type WebhookTarget } from '../webhook.sender';
import { httpOptions, RECEIVER_URL, sendIfAllowed, urlConfigView } from './http-receiver';
import type { Receiver } from './receiver';

const SECRET_MESSAGE = 'must be 16 to 256 characters';

/** A webhook: the payload as JSON, signed with the rule's secret when it has one. */
export const webhookReceiver: Receiver<'webhook', WebhookTarget> = {
  method: 'webhook',
  configSchema: z
    .object({
      url: RECEIVER_URL,
      secret: z
        .string({ error: SECRET_MESSAGE })
        .min(16, { error: SECRET_MESSAGE })
        .max(256, { error: SECRET_MESSAGE })
        .nullable()
        .optional()
        .meta({ description: 'Signs each delivery (HMAC-SHA256); shown again only as has_secret.' }),
    })
    .transform(({ url, secret }) => ({ target: url, secret: secret ?? null })),
  view: urlConfigView,
  guardsAddress: true,
  targetOf: ({ target, secret }) => ({ url: target, secret }),
  send: (target, payload, options) =>
    sendIfAllowed(target.url, options, () => sendWebhook(target, payload, { ...httpOptions(options), deliveryId: options.deliveryId })),
};
