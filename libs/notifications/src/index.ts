export { DeliveryErrorCode, NotificationDeliveryError, ReceiverNotAllowedError } from './notification-errors';
export { isDeliveryMethod, type DeliveryMethod } from './delivery-method';
export type { DeliveryResult } from './delivery-result';
export {
  PayloadOutcome,
  buildNotificationPayload,
  notificationEventOf,
  repositoryUrls,
  type NotifiableEvent,
  type NotificationPayload,
  type NotificationPayloadInput,
} from './notification-payload';
export { FerryHeader, signWebhookBody, verifyWebhookSignature } from './webhook-signature';
export {
  nextRetryDelay,
  nextDeliveryStep,
  shouldNotify,
  deliveryId,
  type RetryPolicy,
  type DeliveryStep,
  type NotificationFilter,
} from './delivery.policy';
export { assertReceiverAllowed, guardedLookup, parseReceiverUrl, type HostResolver } from './receiver-url.guard';
export {
  DEFAULT_DELIVERY_TIMEOUT_MS,
  createReceiverAgent,
  isPermanentHttpStatus,
  type HttpSendOptions,
} from './http-post';
export { sendWebhook, type WebhookTarget, type WebhookSendOptions } from './webhook.sender';
export {
  buildSlackMessage,
  escapeSlackText,
  type SlackMessage,
  type SlackBlock,
  type SlackTextObject,
} from './slack-message';
export { sendSlack, type SlackTarget } from './slack.sender';
export { buildEmailMessage, escapeHtml, type EmailMessage } from './email-message';
export { sendEmail, type SmtpConfig, type EmailTarget, type EmailSendOptions } from './email.sender';
export { deliver, deliverToReceiver, type DeliveryTargets, type RuleReceiver } from './deliver';
export { NO_SECRET, type DeliverOptions, type Receiver, type ReceiverConfigView, type ReceiverSettings } from './receivers/receiver';
export { DELIVERY_METHODS, RECEIVERS } from './receivers/receivers';
export { sampleNotifiableEvent, type SampleEventInput } from './sample-event';
/** What Slack's incoming webhook would reject in a message: for receivers in tests. */
export { blockKitProblems } from './slack-block-kit.fixtures';
