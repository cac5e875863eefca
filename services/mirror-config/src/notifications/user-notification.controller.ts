import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { requires } from '@ferry/identity';
import { Requires } from '../auth/permission';
import { Operation } from '../http/operation';
import { USER_NOTIFICATION, USER_NOTIFICATION_LIST } from './notification.view';
import { USER_NOTIFICATION_QUERY, UserNotificationQueries } from './user-notification-queries';

/** The in-app notifications of one user (rules with method `quay_notification`), newest first; that user's alone. */
@Controller('api/v1/user/:username/notifications')
export class UserNotificationController {
  constructor(private readonly notifications: UserNotificationQueries) {}

  @Get()
  @Requires(requires.self('user:read'))
  @Operation({ summary: 'The user\'s in-app notifications, newest first', query: USER_NOTIFICATION_QUERY, responses: { 200: USER_NOTIFICATION_LIST } })
  async list(@Param('username') username: string, @Query('unread') rawUnread?: string, @Query('limit') rawLimit?: string) {
    return this.notifications.list(username, { unread: rawUnread, limit: rawLimit });
  }

  /** Marks one notification read; marking it again changes nothing. */
  @Post(':id/read')
  @HttpCode(200)
  @Requires(requires.self('user:read'))
  @Operation({ summary: 'Marks a notification read (again: no change)', responses: { 200: USER_NOTIFICATION } })
  async read(@Param('username') username: string, @Param('id') id: string) {
    return this.notifications.markRead(username, id);
  }
}
