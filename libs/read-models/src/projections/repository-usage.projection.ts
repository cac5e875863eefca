import type { EntityManager } from 'typeorm';
import { mirrorNamespace, type StoredEvent } from '@ferry/contracts';
import type { Projection } from '../projection-runner';

/** Adds `bytes` per (namespace, repository) in one statement (keys unique: an upsert may touch a row once). */
async function addUsage(em: EntityManager, added: ReadonlyMap<string, { namespace: string; repository: string; bytes: number }>): Promise<void> {
  if (added.size === 0) return;
  const rows = [...added.values()];
  await em.query(
    `INSERT INTO repository_usage (namespace, repository, bytes)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
     ON CONFLICT (namespace, repository) DO UPDATE SET bytes = repository_usage.bytes + EXCLUDED.bytes`,
    [rows.map((r) => r.namespace), rows.map((r) => r.repository), rows.map((r) => r.bytes)],
  );
}

/**
 * Quota usage: the bytes Ferry's runs wrote into each target repository, the sum of its tags'
 * `MirrorTagSynced.bytesCopied` (every worker's hold of a run records the tags it copied, so all
 * it wrote counts). Nothing subtracts: deleted tags, mirrors and organizations keep counting, as
 * the registry keeps their blobs until its garbage collection. A batch adds to each repository
 * once, in one statement.
 */
export const repositoryUsageProjection: Projection = {
  tables: ['repository_usage'],
  apply: (em, event) => repositoryUsageProjection.applyAll!(em, [event]),
  async applyAll(em: EntityManager, events: readonly StoredEvent[]): Promise<void> {
    const added = new Map<string, { namespace: string; repository: string; bytes: number }>();
    for (const event of events) {
      if (event.type !== 'MirrorTagSynced' || !(event.data.bytesCopied > 0)) continue;
      const { mirrorId, bytesCopied } = event.data;
      const namespace = mirrorNamespace(mirrorId);
      const row = added.get(mirrorId) ?? { namespace, repository: mirrorId.slice(namespace.length + 1), bytes: 0 };
      row.bytes += bytesCopied;
      added.set(mirrorId, row);
    }
    await addUsage(em, added);
  },
};
