import { NotificationMethod } from '@ferry/contracts';

/**
 * The ways Ferry can deliver a notification from this lib: `@ferry/contracts`' methods without
 * the in-app list (`quay_notification`), whose rows the API serves rather than a delivery.
 */
export const DeliveryMethod = {
  Webhook: NotificationMethod.Webhook,
  Slack: NotificationMethod.Slack,
  Email: NotificationMethod.Email,
} as const;
export type DeliveryMethod = (typeof DeliveryMethod)[keyof typeof DeliveryMethod];
