import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@ferry/contracts';
import { TagRow } from '../entities/tag.entity';
import type { Projection } from '../projection-runner';

/** Each target tag and the digest Ferry last wrote to it. */
export const tagsProjection: Projection = {
  tables: ['tags'],
  async apply(em: EntityManager, event: StoredEvent): Promise<void> {
    const tags = em.getRepository(TagRow);
    switch (event.type) {
      case 'MirrorTagSynced':
        await tags.upsert(
          {
            mirrorId: event.data.mirrorId,
            tag: event.data.tag,
            digest: event.data.digest,
            mediaType: event.data.mediaType,
            runId: event.data.runId,
            updatedAt: new Date(event.occurredAt),
            verification: event.data.verification ?? null,
          },
          ['mirrorId', 'tag'],
        );
        return;
      case 'MirrorTagFailed':
        // A published tag that no longer passes a changed policy (and was left in place) shows why.
        if (event.data.verification) await tags.update({ mirrorId: event.data.mirrorId, tag: event.data.tag }, { verification: event.data.verification });
        return;
      case 'MirrorTagDeleted':
        await tags.delete({ mirrorId: event.data.mirrorId, tag: event.data.tag });
        return;
      case 'MirrorTagRolledBack':
        if (event.data.digest === null) {
          await tags.delete({ mirrorId: event.data.mirrorId, tag: event.data.tag });
        } else {
          await tags.upsert(
            {
              mirrorId: event.data.mirrorId,
              tag: event.data.tag,
              digest: event.data.digest,
              mediaType: event.data.mediaType ?? '',
              runId: event.data.runId,
              updatedAt: new Date(event.occurredAt),
            },
            ['mirrorId', 'tag'],
          );
        }
        return;
      case 'MirrorDeleted':
        await tags.delete({ mirrorId: event.data.mirrorId });
        return;
      default:
        return;
    }
  },
};
