import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@ferry/contracts';
import { TagRow } from '../entities/tag.entity';
import type { Projection } from '../projection-runner';

/** Writes a tag's row in one plain statement (every copied tag makes one: TypeORM's upsert cost more CPU than the statement). */
async function upsertTag(em: EntityManager, row: TagRow): Promise<void> {
  await em.query(
    `INSERT INTO tags (mirror_id, tag, digest, media_type, run_id, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (mirror_id, tag) DO UPDATE SET digest = EXCLUDED.digest, media_type = EXCLUDED.media_type, run_id = EXCLUDED.run_id, updated_at = EXCLUDED.updated_at`,
    [row.mirrorId, row.tag, row.digest, row.mediaType, row.runId, row.updatedAt],
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
        });
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
