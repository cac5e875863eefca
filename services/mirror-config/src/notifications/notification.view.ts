// The schemas of these answers are `@ferry/api-schema`'s, which the console and the CLI read too.
export {
  DELIVERY_LOG,
  NOTIFICATION_RULE_LIST,
  NOTIFICATION_RULE_VIEW,
  TEST_DELIVERY,
  USER_NOTIFICATION,
  USER_NOTIFICATION_LIST,
  type NotificationRuleView,
  type UserNotificationView,
} from '@ferry/api-schema';
