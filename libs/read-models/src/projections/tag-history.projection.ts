import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@ferry/contracts';
import { TagHistoryRow, type TagChange } from '../entities/tag-history.entity';
import type { Projection } from '../projection-runner';

/**
 * Every change of every target tag, from the runs' tag events: the digests a tag has had, which
 * run wrote each, when it moved or was removed. A tag found unchanged adds nothing.
 */
export const tagHistoryProjection: Projection = {
  tables: ['tag_history'],
  async apply(em: EntityManager, event: StoredEvent): Promise<void> {
    const history = em.getRepository(TagHistoryRow);
    const record = async (mirrorId: string, tag: string, runId: string, change: (previous: string | null) => TagChange, fields: Pick<TagHistoryRow, 'digest' | 'sourceDigest' | 'firstSeenAt'> & { verification?: TagHistoryRow['verification'] }) => {
      const last = await history.findOne({ where: { mirrorId, tag }, order: { position: 'DESC' } });
      const previous = last?.digest ?? null;
      await history.upsert(
        { mirrorId, tag, position: event.position, runId, change: change(previous), previousDigest: previous, occurredAt: new Date(event.occurredAt), ...fields },
        ['mirrorId', 'tag', 'position'],
      );
    };
    switch (event.type) {
      case 'MirrorTagSynced': {
        if (event.data.unchanged) return;
        const { mirrorId, tag, runId, digest, sourceDigest, firstSeenAt } = event.data;
        await record(mirrorId, tag, runId, (previous) => (previous === null ? 'created' : 'moved'), {
          digest,
          sourceDigest: sourceDigest ?? null,
          firstSeenAt: firstSeenAt ? new Date(firstSeenAt) : null,
          verification: event.data.verification ?? null,
        });
        return;
      }
      case 'MirrorTagDeleted': {
        const { mirrorId, tag, runId } = event.data;
        await record(mirrorId, tag, runId, () => 'deleted', { digest: null, sourceDigest: null, firstSeenAt: null });
        return;
      }
      case 'MirrorTagRolledBack': {
        const { mirrorId, tag, runId, digest } = event.data;
        await record(mirrorId, tag, runId, () => 'rolled_back', { digest, sourceDigest: null, firstSeenAt: null });
        return;
      }
      case 'MirrorDeleted':
        await history.delete({ mirrorId: event.data.mirrorId });
        return;
      default:
        return;
    }
  },
};
