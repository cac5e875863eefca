import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { observeMirrors } from '@ferry/metrics';
import { OrganizationRow, readMirrorHealth } from '@ferry/read-models';
import { DATA_SOURCE } from '@ferry/service-runtime';
import { NotFoundError } from '../http/problem';
import { mirrorHealthView, type MirrorHealthView } from './mirror-health.view';

/**
 * Every mirror's health, from the read models: the summary the API answers and the per-mirror
 * gauges each metrics scrape shows (one reader, `readMirrorHealth`, for both).
 */
@Injectable()
export class MirrorHealthService {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {
    observeMirrors(() => readMirrorHealth(this.dataSource));
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
