import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { IsNull } from 'typeorm';
import { UserNotificationRow } from '@ferry/read-models';
import { DATA_SOURCE } from '@ferry/service-runtime';
import { requires } from '@ferry/identity';
import { Requires } from '../auth/permission';
import { z } from 'zod';
import { InvalidRequestError, NotFoundError } from '../http/problem';
import { limit, readQuery } from '../http/query';
import { Operation } from '../openapi/operation';
import { USER_NOTIFICATION, USER_NOTIFICATION_LIST, type UserNotificationView } from './notification.view';

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;

const LIST_QUERY = z.object({
  unread: z.enum(['true', 'false'], { error: 'must be true or false' }).optional().meta({ description: 'true: only the unread ones.' }),
  limit: limit(100),
});

function view(n: UserNotificationRow): UserNotificationView {
  return {
    id: n.id,
    kind: n.event,
    repository: n.mirrorId,
    run_id: n.runId,
    message: n.message,
    created: n.createdAt.toISOString(),
    read: n.readAt !== null,
    read_at: n.readAt?.toISOString() ?? null,
    metadata: n.payload,
  };
}

/** The in-app notifications of one user (rules with method `quay_notification`), newest first; that user's alone. */
@Controller('api/v1/user/:username/notifications')
export class UserNotificationController {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  private check(username: string): void {
    if (!USERNAME.test(username)) throw new InvalidRequestError([{ field: 'username', message: 'must be a user name' }]);
  }

  @Get()
  @Requires(requires.self('user:read'))
  @Operation({ summary: 'The user\'s in-app notifications, newest first', query: LIST_QUERY, responses: { 200: USER_NOTIFICATION_LIST } })
  async list(@Param('username') username: string, @Query('unread') rawUnread?: string, @Query('limit') rawLimit?: string) {
    this.check(username);
    const query = readQuery(LIST_QUERY, { unread: rawUnread, limit: rawLimit });
    const unread = query.unread;
    const limit = query.limit ?? 100;
    const repo = this.dataSource.getRepository(UserNotificationRow);
    const where = unread === 'true' ? { username, readAt: IsNull() } : { username };
    const [rows, unreadCount] = await Promise.all([
      repo.find({ where, order: { createdAt: 'DESC', id: 'ASC' }, take: limit }),
      repo.countBy({ username, readAt: IsNull() }),
    ]);
    return { notifications: rows.map(view), unread: unreadCount };
  }

  /** Marks one notification read; marking it again changes nothing. */
  @Post(':id/read')
  @HttpCode(200)
  @Requires(requires.self('user:read'))
  @Operation({ summary: 'Marks a notification read (again: no change)', responses: { 200: USER_NOTIFICATION } })
  async read(@Param('username') username: string, @Param('id') id: string) {
    this.check(username);
    const repo = this.dataSource.getRepository(UserNotificationRow);
    await repo.createQueryBuilder().update().set({ readAt: () => 'now()' }).where('id = :id AND username = :username AND read_at IS NULL', { id, username }).execute();
    const row = await repo.findOneBy({ id, username });
    if (!row) throw new NotFoundError(`no notification ${id} for ${username}`);
    return view(row);
  }
}
