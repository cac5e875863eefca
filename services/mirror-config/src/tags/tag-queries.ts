import { Inject, Injectable } from '@nestjs/common';
import { IsNull, Not, type DataSource } from 'typeorm';
import type { TagVerification } from '@ferry/contracts';
import type { ActiveTag, ManifestFacts, TagChangeRecord } from '@ferry/mirror';
import { RepositoryRow, TagHistoryRow, TagRow } from '@ferry/read-models';
import { DATA_SOURCE } from '@ferry/service-runtime';

/** The read models Quay's tag listing is made of: the tags the target holds, their history, what Ferry copied. */
@Injectable()
export class TagQueries {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  repositoryExists(namespace: string, name: string): Promise<boolean> {
    return this.dataSource.getRepository(RepositoryRow).existsBy({ namespace, name });
  }

  active(mirrorId: string): Promise<ActiveTag[]> {
    return this.dataSource.getRepository(TagRow).find({ where: { mirrorId }, select: { tag: true, digest: true, mediaType: true, updatedAt: true } });
  }

  /** The trust-policy check of each active tag that has one. */
  async verifications(mirrorId: string): Promise<Map<string, TagVerification>> {
    const rows = await this.dataSource.getRepository(TagRow).find({ where: { mirrorId, verification: Not(IsNull()) }, select: { tag: true, verification: true } });
    return new Map(rows.map((r) => [r.tag, r.verification!]));
  }

  history(mirrorId: string): Promise<TagChangeRecord[]> {
    return this.dataSource
      .getRepository(TagHistoryRow)
      .find({ where: { mirrorId }, select: { tag: true, position: true, change: true, digest: true, occurredAt: true }, order: { position: 'ASC' } });
  }

  /**
   * Per digest the mirror's runs copied: its media type and the most bytes one run copied for it
   * (the run that first wrote it; later runs find its blobs already there).
   */
  async manifests(mirrorId: string): Promise<Map<string, ManifestFacts>> {
    const rows: { digest: string; media_type: string | null; size: string | null }[] = await this.dataSource.query(
      `SELECT rt.digest, max(rt.media_type) AS media_type, max(rt.bytes_copied) AS size
         FROM run_tags rt JOIN runs r ON r.run_id = rt.run_id
        WHERE r.mirror_id = $1 AND rt.digest IS NOT NULL AND rt.result IN ('copied', 'unchanged')
        GROUP BY rt.digest`,
      [mirrorId],
    );
    return new Map(rows.map((r) => [r.digest, { mediaType: r.media_type, size: r.size === null || r.size === '0' ? null : Number(r.size) }]));
  }
}
