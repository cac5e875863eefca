import { z } from 'zod';
import { NotificationEvent, NotificationMethod } from '@ferry/contracts';
import { responseSchema } from './response-schema';
import { ISO_TIME } from './quay.schema';

const EVENTS = Object.values(NotificationEvent) as [NotificationEvent, ...NotificationEvent[]];
const METHODS = Object.values(NotificationMethod) as [NotificationMethod, ...NotificationMethod[]];

/** A notification rule; a webhook's secret shows only as `has_secret`. */
export const NOTIFICATION_RULE_VIEW = responseSchema(
  'NotificationRule',
  z.object({
    uuid: z.string(),
    title: z.string(),
    event: z.enum(EVENTS).meta({ description: 'The first of `events` (Quay\'s single event).' }),
    events: z.array(z.enum(EVENTS)),
    method: z.enum(METHODS),
    config: z.union([
      z.object({ email: z.string() }),
      z.object({ target: z.object({ kind: z.literal('user'), name: z.string() }) }),
      z.object({ url: z.string(), has_secret: z.boolean() }),
    ]),
    event_config: z.object({ min_consecutive_failures: z.number().int() }),
    repository: z.string().nullable().meta({ description: 'The mirror (namespace/repository); null for a namespace\'s rule.' }),
    namespace: z.string(),
    number_of_failures: z.number().int().meta({ description: 'Quay\'s count: sends that failed in a row since the last success or reset; at 3 the rule is disabled (nothing is sent) until reset.' }),
  }),
);
export type NotificationRuleView = z.output<typeof NOTIFICATION_RULE_VIEW>;

export const NOTIFICATION_RULE_LIST = responseSchema('NotificationRuleList', z.object({ notifications: z.array(NOTIFICATION_RULE_VIEW) }));
export type NotificationRuleListView = z.output<typeof NOTIFICATION_RULE_LIST>;

/** A test delivery's result: sent now, not entered in the delivery log. */
export const TEST_DELIVERY = responseSchema(
  'TestDelivery',
  z.object({
    delivery_id: z.string(),
    delivered: z.boolean(),
    status_code: z.number().int().nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    duration_ms: z.number().int(),
  }),
);
export type TestDeliveryView = z.output<typeof TEST_DELIVERY>;

/** A rule's delivery log, newest first: each delivery with its status and every attempt. */
export const DELIVERY_LOG = responseSchema(
  'DeliveryLog',
  z.object({
    deliveries: z.array(
      z.object({
        delivery_id: z.string(),
        event_id: z.string(),
        event: z.string(),
        repository: z.string(),
        run_id: z.string().nullable(),
        status: z.string(),
        attempts: z.number().int(),
        last_status_code: z.number().int().nullable(),
        last_error: z.string().nullable(),
        next_attempt_at: ISO_TIME.nullable(),
        created_at: ISO_TIME,
        updated_at: ISO_TIME,
        attempt_log: z.array(z.object({ attempt: z.number().int(), at: ISO_TIME, outcome: z.string(), status_code: z.number().int().nullable(), error: z.string().nullable(), duration_ms: z.number() })),
      }),
    ),
  }),
);
export type DeliveryLogView = z.output<typeof DELIVERY_LOG>;

/** One in-app notification of a user. */
export const USER_NOTIFICATION = responseSchema(
  'UserNotification',
  z.object({
    id: z.string(),
    kind: z.string(),
    repository: z.string(),
    run_id: z.string().nullable(),
    message: z.string(),
    created: ISO_TIME,
    read: z.boolean(),
    read_at: ISO_TIME.nullable(),
    metadata: z.unknown(),
  }),
);
export type UserNotificationView = z.output<typeof USER_NOTIFICATION>;

export const USER_NOTIFICATION_LIST = responseSchema('UserNotificationList', z.object({ notifications: z.array(USER_NOTIFICATION), unread: z.number().int() }));
export type UserNotificationListView = z.output<typeof USER_NOTIFICATION_LIST>;
