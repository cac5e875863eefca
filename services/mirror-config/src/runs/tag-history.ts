import { Controller, Get, Inject, Injectable, Param } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { TAG_HISTORY, type TagHistoryView } from '@ferry/api-schema';
import { TagHistoryRow } from '@ferry/read-models';
import { requires } from '@ferry/identity';
import { DATA_SOURCE } from '@ferry/service-runtime';
import { Requires } from '../auth/permission';
import { InvalidRequestError } from '../http/problem';
import { MirrorLookup } from '../mirror-lookup';
import { Operation } from '../http/operation';
import { verificationView } from '../tags/verification.view';

/** The distribution spec's tag grammar. */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

@Injectable()
export class TagHistoryQueries {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly mirrors: MirrorLookup,
  ) {}

  /** Every change of a target tag, from the event log (kept by a projection, rebuilt by replay). */
  async history(namespace: string, repository: string, tag: string): Promise<TagHistoryView> {
    const mirror = await this.mirrors.find({ namespace, repository });
    if (!TAG.test(tag)) throw new InvalidRequestError([{ field: 'tag', message: 'must be a tag: up to 128 letters, digits, "_", "." and "-", not starting with "." or "-"' }]);
    const rows = await this.dataSource.getRepository(TagHistoryRow).find({ where: { mirrorId: mirror.mirrorId, tag }, order: { position: 'ASC' } });
    const firstSeen = mirror.state?.tagsFirstSeen?.[tag];
    return {
      tag,
      first_seen_upstream: firstSeen ? new Date(firstSeen).toISOString() : null,
      current_digest: rows.at(-1)?.digest ?? null,
      history: rows.map((r) => ({
        change: r.change,
        digest: r.digest,
        previous_digest: r.previousDigest,
        source_digest: r.sourceDigest,
        run_id: r.runId,
        first_seen_at: r.firstSeenAt?.toISOString() ?? null,
        at: r.occurredAt.toISOString(),
        verification: r.verification ? verificationView(r.verification) : null,
      })),
    };
  }
}

@Controller('api/v1/repository/:namespace/:repository/mirror')
export class TagHistoryController {
  constructor(private readonly queries: TagHistoryQueries) {}

  @Get('tags/:tag/history')
  @Requires(requires.repository('read'))
  @Operation({ summary: 'Every digest a target tag has had: which run wrote it, when it moved or was removed, when Ferry first saw it upstream', responses: { 200: TAG_HISTORY } })
  history(@Param('namespace') namespace: string, @Param('repository') repository: string, @Param('tag') tag: string) {
    return this.queries.history(namespace, repository, tag);
  }
}
