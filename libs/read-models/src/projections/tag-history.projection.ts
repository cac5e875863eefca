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
    /**
     * One statement: the tag's digest before this event (its latest earlier change) is read by the
     * insert itself, where a read and then a write cost two. `change` null means "created" when the
     * tag had no digest before and "moved" when it had one.
     */
    const record = async (mirrorId: string, tag: string, runId: string, change: TagChange | null, fields: Pick<TagHistoryRow, 'digest' | 'sourceDigest' | 'firstSeenAt'> & { verification?: TagHistoryRow['verification'] }) => {
      await em.query(
        `INSERT INTO tag_history (mirror_id, tag, position, run_id, change, previous_digest, digest, source_digest, first_seen_at, occurred_at, verification)
         SELECT $1::text, $2::text, $3::bigint, $4::uuid, COALESCE($5::text, CASE WHEN before.digest IS NULL THEN 'created' ELSE 'moved' END), before.digest,
           $6::text, $7::text, $8::timestamptz, $9::timestamptz, $10::jsonb
         FROM (SELECT (SELECT digest FROM tag_history WHERE mirror_id = $1::text AND tag = $2::text AND position < $3::bigint ORDER BY position DESC LIMIT 1) AS digest) AS before
         ON CONFLICT (mirror_id, tag, position) DO UPDATE SET run_id = EXCLUDED.run_id, change = EXCLUDED.change, previous_digest = EXCLUDED.previous_digest,
           digest = EXCLUDED.digest, source_digest = EXCLUDED.source_digest, first_seen_at = EXCLUDED.first_seen_at, occurred_at = EXCLUDED.occurred_at, verification = EXCLUDED.verification`,
        [mirrorId, tag, event.position, runId, change, fields.digest, fields.sourceDigest, fields.firstSeenAt, new Date(event.occurredAt), fields.verification ? JSON.stringify(fields.verification) : null],
      );
    };
    switch (event.type) {
      case 'MirrorTagSynced': {
        if (event.data.unchanged) return;
        const { mirrorId, tag, runId, digest, sourceDigest, firstSeenAt } = event.data;
        await record(mirrorId, tag, runId, null, {
          digest,
          sourceDigest: sourceDigest ?? null,
          firstSeenAt: firstSeenAt ? new Date(firstSeenAt) : null,
          verification: event.data.verification ?? null,
        });
        return;
      }
      case 'MirrorTagDeleted': {
        const { mirrorId, tag, runId } = event.data;
        await record(mirrorId, tag, runId, 'deleted', { digest: null, sourceDigest: null, firstSeenAt: null });
        return;
      }
      case 'MirrorTagRolledBack': {
        const { mirrorId, tag, runId, digest } = event.data;
        await record(mirrorId, tag, runId, 'rolled_back', { digest, sourceDigest: null, firstSeenAt: null });
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
