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
          },
          ['mirrorId', 'tag'],
        );
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
