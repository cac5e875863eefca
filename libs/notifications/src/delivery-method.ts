import { NotificationMethod } from '@ferry/contracts';

/**
 * The ways Ferry can deliver a notification from this lib: `@ferry/contracts`' methods without
 * the in-app list (`quay_notification`), whose rows the API serves rather than a delivery.
 */
export type DeliveryMethod = Exclude<NotificationMethod, typeof NotificationMethod.InApp>;

/** Whether a rule's method is delivered by this lib (every one but the in-app list). */
export function isDeliveryMethod(method: NotificationMethod): method is DeliveryMethod {
  return method !== NotificationMethod.InApp;
}
