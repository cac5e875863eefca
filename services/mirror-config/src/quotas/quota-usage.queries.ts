import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { mirrorId } from '@ferry/contracts';
import type { EventStore } from '@ferry/event-store';
import type { ProjectionRunner } from '@ferry/read-models';
import { DATA_SOURCE, EVENT_STORE } from '@ferry/service-runtime';
import { ReadModelBehindError } from '../http/problem';
import { API_PROJECTIONS } from '../tokens';

/** How long a quota's creation waits for the read models to hold every run's bytes the log holds. */
const BASELINE_PATIENCE_MS = 5_000;

/** What Ferry wrote into each repository (the `repository_usage` read model): Quay's `quota_report`, and a new quota's baseline. */
@Injectable()
export class QuotaUsageQueries {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(API_PROJECTIONS) private readonly projections: ProjectionRunner,
  ) {}

  /** Repository → bytes Ferry wrote into it, for the namespace's repositories that hold any. */
  async ofNamespace(namespace: string): Promise<Record<string, number>> {
    const rows: Array<{ repository: string; bytes: string }> = await this.dataSource.query('SELECT repository, bytes FROM repository_usage WHERE namespace = $1', [namespace]);
    return Object.fromEntries(rows.map((r) => [r.repository, Number(r.bytes)]));
  }

  /** `ns/repo` → bytes Ferry wrote into it, for those of `repositories` that hold any. */
  async ofRepositories(repositories: readonly { namespace: string; repository: string }[]): Promise<Map<string, number>> {
    if (repositories.length === 0) return new Map();
    const rows: Array<{ namespace: string; repository: string; bytes: string }> = await this.dataSource.query(
      'SELECT u.namespace, u.repository, u.bytes FROM repository_usage u JOIN unnest($1::text[], $2::text[]) AS wanted (namespace, repository) USING (namespace, repository)',
      [repositories.map((r) => r.namespace), repositories.map((r) => r.repository)],
    );
    return new Map(rows.map((r) => [mirrorId(r.namespace, r.repository), Number(r.bytes)]));
  }

  /**
   * The namespace's usage once the read model holds every event the log holds now: a new quota's
   * baseline, which must not miss a run that ended a moment ago (503 while the read models are
   * behind, as a command's answer).
   */
  async settledOfNamespace(namespace: string): Promise<Record<string, number>> {
    const head = await this.store.headPosition();
    if (!(await this.projections.waitFor(head, BASELINE_PATIENCE_MS))) {
      throw new ReadModelBehindError(`the read models have not caught up with event ${head}, so the namespace's usage is not known yet; try again shortly`);
    }
    return this.ofNamespace(namespace);
  }
}
