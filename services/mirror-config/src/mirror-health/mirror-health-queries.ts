import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { readMirrorHealth, type MirrorHealthRow } from '@ferry/read-models';
import { DATA_SOURCE } from '@ferry/service-runtime';

/** Every mirror's health verdict from the read models (`readMirrorHealth`), for the health summary, the metrics and the repository list. */
@Injectable()
export class MirrorHealthQueries {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  read(options: { namespace?: string; now?: Date } = {}): Promise<MirrorHealthRow[]> {
    return readMirrorHealth(this.dataSource, options);
  }
}
