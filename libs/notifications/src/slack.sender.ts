import type { DeliveryResult } from './delivery-result';
import { postJson, type HttpSendOptions } from './http-post';
import type { NotificationPayload } from './notification-payload';
import { buildSlackMessage } from './slack-message';

/** A Slack incoming webhook; its URL is a bearer secret and never appears in errors. */
export interface SlackTarget {
  url: string;
}

/**
 * Posts the Block Kit message of a payload to a Slack incoming webhook. Slack answers 200 `ok`,
 * or 4xx with a reason (`invalid_payload`, `no_service`) that ends up in the error message.
 */
export async function sendSlack(target: SlackTarget, payload: NotificationPayload, options: HttpSendOptions = {}): Promise<DeliveryResult> {
  return postJson(target.url, JSON.stringify(buildSlackMessage(payload)), {}, options);
}
