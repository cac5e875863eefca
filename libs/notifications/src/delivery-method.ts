/**
 * The ways Ferry can deliver a notification from this lib. In-app notifications are rows the API
 * serves, not a delivery, so they are not here.
 * (`@ferry/contracts`' `NotificationMethod` is these plus `quay_notification`, the in-app list.)
 */
export const DeliveryMethod = {
  Webhook: 'webhook',
  Slack: 'slack',
  Email: 'email',
} as const;
export type DeliveryMethod = (typeof DeliveryMethod)[keyof typeof DeliveryMethod];
