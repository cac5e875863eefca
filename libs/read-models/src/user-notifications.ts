import type { EntityManager } from 'typeorm';
import { UserNotificationRow } from './entities/user-notification.entity';

/** One in-app notification to write: whom it is for, what it is about, and the payload it shows. */
export interface NewUserNotification {
  /** The delivery id, so a notification is written once. */
  id: string;
  username: string;
  ruleId: string;
  /** Null for a rule's test notification, which no event caused. */
  eventId: string | null;
  mirrorId: string;
  runId: string | null;
  /** The notification payload: its `event` and `message` are the row's kind and text. */
  payload: { event: string; message: string };
  createdAt: Date;
}

/** Adds an unread notification to a user's in-app list, through the caller's manager (its transaction, if any). */
export async function insertUserNotification(em: EntityManager, notification: NewUserNotification): Promise<void> {
  const { payload } = notification;
  await em.insert(UserNotificationRow, { ...notification, event: payload.event, message: payload.message, readAt: null });
}
