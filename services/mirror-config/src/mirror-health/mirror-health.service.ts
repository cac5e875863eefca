import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { observeMirrors } from '@ferry/metrics';
import { OrganizationRow, readMirrorHealth, type MirrorHealthRow } from '@ferry/read-models';
import type { ProgressBoard } from '@ferry/run-progress';
import { DATA_SOURCE } from '@ferry/service-runtime';
import { NotFoundError } from '../http/problem';
import { RUN_PROGRESS } from '../tokens';
import { mirrorHealthView, type MirrorHealthView } from './mirror-health.view';

/**
 * Every mirror's health, from the read models: the summary the API answers and the per-mirror
 * gauges each metrics scrape shows (one reader, `readMirrorHealth`, for both).
 */
@Injectable()
export class MirrorHealthService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(RUN_PROGRESS) private readonly progress: ProgressBoard,
  ) {
    observeMirrors(async () => this.withPendingTags(await readMirrorHealth(this.dataSource)));
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
    if (namespace !== undefined && !(await this.dataSource.getRepository(OrganizationRow).existsBy({ name: namespace }))) {
      throw new NotFoundError(`no organization ${namespace}`);
    }
    const now = new Date();
    return mirrorHealthView(await readMirrorHealth(this.dataSource, { ...(namespace === undefined ? {} : { namespace }), now }), limit, now);
  }
}
