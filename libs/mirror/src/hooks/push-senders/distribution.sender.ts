import { isRepository, isTag, list, noticesByRepository, record, type PushSender } from './push-sender';

/**
 * The CNCF distribution registry's notification envelope (what `docker-registry` sends to
 * `notifications.endpoints`): `{ events: [{ action, target: { repository, tag?, mediaType } }] }`.
 * A push of a manifest by tag is a push of that tag; blob pushes, pulls, deletes and pushes by
 * digest push no tag.
 */
export const distributionSender: PushSender = {
  name: 'distribution',
  recognises: (body) => Array.isArray(body.events),
  notices(body) {
    const entries: { repository: string; tag: string | null }[] = [];
    for (const event of list(body.events).map(record)) {
      const target = record(event.target);
      if (!isRepository(target.repository)) continue;
      entries.push({ repository: target.repository, tag: event.action === 'push' && isTag(target.tag) ? target.tag : null });
    }
    return noticesByRepository(entries);
  },
};
