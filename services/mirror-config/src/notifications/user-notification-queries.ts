import { Inject, Injectable } from '@nestjs/common';
import { IsNull, type DataSource } from 'typeorm';
import { UserNotificationRow } from '@ferry/read-models';
import { DATA_SOURCE } from '@ferry/service-runtime';
import { z } from 'zod';
import { InvalidRequestError, NotFoundError } from '../http/problem';
import { limit, readQuery } from '../http/query';
import type { USER_NOTIFICATION_LIST, UserNotificationView } from './notification.view';

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;

export const USER_NOTIFICATION_QUERY = z.object({
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
@Injectable()
export class UserNotificationQueries {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  private check(username: string): void {
    if (!USERNAME.test(username)) throw new InvalidRequestError([{ field: 'username', message: 'must be a user name' }]);
  }

  /** The user's newest `limit` (100) notifications, only the unread ones with `unread=true`, and how many are unread in all. */
  async list(username: string, raw: { unread: string | undefined; limit: string | undefined }): Promise<z.output<typeof USER_NOTIFICATION_LIST>> {
    this.check(username);
    const query = readQuery(USER_NOTIFICATION_QUERY, raw);
    const repo = this.dataSource.getRepository(UserNotificationRow);
    const where = query.unread === 'true' ? { username, readAt: IsNull() } : { username };
    const [rows, unreadCount] = await Promise.all([
      repo.find({ where, order: { createdAt: 'DESC', id: 'ASC' }, take: query.limit ?? 100 }),
      repo.countBy({ username, readAt: IsNull() }),
    ]);
    return { notifications: rows.map(view), unread: unreadCount };
  }

  /** Marks one notification read; marking it again changes nothing (it keeps its first `read_at`). */
  async markRead(username: string, id: string): Promise<UserNotificationView> {
    this.check(username);
    const repo = this.dataSource.getRepository(UserNotificationRow);
    await repo.createQueryBuilder().update().set({ readAt: () => 'now()' }).where('id = :id AND username = :username AND read_at IS NULL', { id, username }).execute();
    const row = await repo.findOneBy({ id, username });
    if (!row) throw new NotFoundError(`no notification ${id} for ${username}`);
    return view(row);
  }
}
