import { Inject, Injectable } from '@nestjs/common';
import { observeMirrors } from '@ferry/metrics';
import type { MirrorHealthRow } from '@ferry/read-models';
import type { ProgressBoard } from '@ferry/run-progress';
import { NotFoundError } from '../http/problem';
import { Namespaces } from '../namespaces';
import { RUN_PROGRESS } from '../tokens';
import { MirrorHealthQueries } from './mirror-health-queries';
import { mirrorHealthView, type MirrorHealthView } from './mirror-health.view';

/**
 * Every mirror's health, from the read models: the summary the API answers and the per-mirror
 * gauges each metrics scrape shows (one reader, `readMirrorHealth`, for both).
 */
@Injectable()
export class MirrorHealthService {
  constructor(
    private readonly queries: MirrorHealthQueries,
    private readonly namespaces: Namespaces,
    @Inject(RUN_PROGRESS) private readonly progress: ProgressBoard,
  ) {
    observeMirrors(async () => this.withPendingTags(await this.queries.read()));
  }

  /** The tags each run in flight has still to sync, from its live progress (one read per running mirror). */
  private async withPendingTags(rows: MirrorHealthRow[]): Promise<MirrorHealthRow[]> {
    return Promise.all(
      rows.map(async (row) => {
        if (!row.currentRunId) return row;
        const progress = await this.progress.get(row.currentRunId).catch(() => null);
        return progress && !progress.done ? { ...row, pendingTags: Math.max(0, progress.tagsTotal - progress.tagsDone) } : row;
      }),
    );
  }

  /** All mirrors, or those of one namespace (which must exist). */
  async summary(namespace: string | undefined, limit = 100): Promise<MirrorHealthView> {
    if (namespace !== undefined && !(await this.namespaces.isOrganization(namespace))) {
      throw new NotFoundError(`no organization ${namespace}`);
    }
    const now = new Date();
    return mirrorHealthView(await this.queries.read({ ...(namespace === undefined ? {} : { namespace }), now }), limit, now);
  }
}
