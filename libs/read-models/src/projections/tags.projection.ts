import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@ferry/contracts';
import { TagRow } from '../entities/tag.entity';
import type { Projection } from '../projection-runner';

/**
 * Writes a tag's row in one plain statement (every copied tag makes one: TypeORM's upsert cost more
 * CPU than the statement). `verification` is written when given (a synced tag's trust-policy
 * check) and left as it was otherwise (a rollback).
 */
async function upsertTag(em: EntityManager, row: Omit<TagRow, 'verification'> & { verification?: TagRow['verification'] }): Promise<void> {
  const withVerification = row.verification !== undefined;
  await em.query(
    `INSERT INTO tags (mirror_id, tag, digest, media_type, run_id, updated_at, verification) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
     ON CONFLICT (mirror_id, tag) DO UPDATE SET digest = EXCLUDED.digest, media_type = EXCLUDED.media_type, run_id = EXCLUDED.run_id, updated_at = EXCLUDED.updated_at${withVerification ? ', verification = EXCLUDED.verification' : ''}`,
    [row.mirrorId, row.tag, row.digest, row.mediaType, row.runId, row.updatedAt, row.verification ? JSON.stringify(row.verification) : null],
  );
}

/** Each target tag and the digest Ferry last wrote to it. */
export const tagsProjection: Projection = {
  tables: ['tags'],
  async apply(em: EntityManager, event: StoredEvent): Promise<void> {
    const tags = em.getRepository(TagRow);
    switch (event.type) {
      case 'MirrorTagSynced':
        await upsertTag(em, {
          mirrorId: event.data.mirrorId,
          tag: event.data.tag,
          digest: event.data.digest,
          mediaType: event.data.mediaType,
          runId: event.data.runId,
          updatedAt: new Date(event.occurredAt),
          verification: event.data.verification ?? null,
        });
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
          await upsertTag(em, {
            mirrorId: event.data.mirrorId,
            tag: event.data.tag,
            digest: event.data.digest,
            mediaType: event.data.mediaType ?? '',
            runId: event.data.runId,
            updatedAt: new Date(event.occurredAt),
          });
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
