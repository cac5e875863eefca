import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { traceIdOf } from '@ferry/event-store';
import type { ProgressBoard, RunProgress } from '@ferry/run-progress';
import { EventLogRow, RunRow, RunStatus, RunTagRow, TagRow } from '@ferry/read-models';
import { DATA_SOURCE } from '@ferry/service-runtime';
import type { z } from 'zod';
import type { RUN_DETAIL, RUN_LIST, TAG_LEDGER, USAGE_LOGS } from './run.view';
import { verificationView } from '../tags/verification.view';
import { parseLimit } from '../http/query';
import { InvalidRequestError, NotFoundError } from '../http/problem';
import { MirrorLookup } from '../mirror-lookup';
import { RUN_PROGRESS } from '../tokens';
import { progressView, type RunView } from './run.view';
import { usageLogEntry } from './usage-log';

export function runView(run: RunRow, progress: RunProgress | null = null): RunView {
  const live = progress && IN_FLIGHT.includes(run.status) ? progress : null;
  return {
    run_id: run.runId,
    trigger: run.trigger,
    // Its worker reports progress only once it started: the read model may not show that yet.
    status: live && run.status === RunStatus.Scheduled ? RunStatus.Running : run.status,
    attempts: run.attempts,
    worker: run.worker,
    scheduled_at: run.scheduledAt.toISOString(),
    started_at: run.startedAt?.toISOString() ?? null,
    finished_at: run.finishedAt?.toISOString() ?? null,
    tags_matched: run.tagsMatched,
    tags_copied: run.tagsCopied,
    tags_unchanged: run.tagsUnchanged,
    tags_deleted: run.tagsDeleted,
    tags_failed: run.tagsFailed,
    // While it runs, the bytes its worker reports; once it ended, its summary's.
    bytes_copied: Math.max(run.bytesCopied, live?.bytesCopied ?? 0),
    target_checked: run.targetChecked,
    error: run.errorCode ? { code: run.errorCode, message: run.errorMessage } : null,
    // The run's spans are in the trace of its scheduling (a sync-now's request, or the scheduler's tick).
    trace_id: traceIdOf(run.traceparent),
    progress: live ? progressView(live) : null,
  };
}

const IN_FLIGHT: readonly string[] = [RunStatus.Scheduled, RunStatus.Running];

/** What Quay lacks: run history, per-tag results, the target's tag ledger and usage logs. */
@Injectable()
export class RunQueries {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly mirrors: MirrorLookup,
    @Inject(RUN_PROGRESS) private readonly progress: ProgressBoard,
  ) {}

  /** A run's live progress while it is in flight; none once it ended, or while NATS cannot say (progress is best effort). */
  liveProgress(runId: string, status: string): Promise<RunProgress | null> {
    if (!IN_FLIGHT.includes(status)) return Promise.resolve(null);
    return this.progress.get(runId).catch(() => null);
  }

  async list(namespace: string, repository: string, limit?: string): Promise<z.output<typeof RUN_LIST>> {
    const mirror = await this.mirrors.find({ namespace, repository });
    const runs = await this.dataSource.getRepository(RunRow).find({ where: { mirrorId: mirror.mirrorId }, order: { scheduledAt: 'DESC' }, take: parseLimit(limit) });
    return { runs: await Promise.all(runs.map(async (run) => runView(run, await this.liveProgress(run.runId, run.status)))) };
  }

  async get(namespace: string, repository: string, runId: string): Promise<z.output<typeof RUN_DETAIL>> {
    const mirror = await this.mirrors.find({ namespace, repository });
    if (!/^[0-9a-f-]{36}$/.test(runId)) throw new InvalidRequestError([{ field: 'runId', message: 'must be a run id (UUID)' }]);
    const run = await this.dataSource.getRepository(RunRow).findOneBy({ runId, mirrorId: mirror.mirrorId });
    if (!run) throw new NotFoundError(`no run ${runId} for ${mirror.mirrorId}`);
    const tags = await this.dataSource.getRepository(RunTagRow).find({ where: { runId }, order: { tag: 'ASC' } });
    return {
      ...runView(run, await this.liveProgress(run.runId, run.status)),
      tags: tags.map((t) => ({ tag: t.tag, result: t.result, digest: t.digest, bytes_copied: t.bytesCopied, error: t.errorCode ? { code: t.errorCode, message: t.errorMessage } : null })),
    };
  }

  async tags(namespace: string, repository: string): Promise<z.output<typeof TAG_LEDGER>> {
    const mirror = await this.mirrors.find({ namespace, repository });
    const tags = await this.dataSource.getRepository(TagRow).find({ where: { mirrorId: mirror.mirrorId }, order: { tag: 'ASC' } });
    return {
      tags: tags.map((t) => ({
        name: t.tag,
        manifest_digest: t.digest,
        media_type: t.mediaType,
        run_id: t.runId,
        last_modified: t.updatedAt.toISOString(),
        verification: t.verification ? verificationView(t.verification) : null,
      })),
    };
  }

  /** Quay's usage logs for the mirror: every event of the mirror and its runs, newest first. */
  async logs(namespace: string, repository: string, limit?: string): Promise<z.output<typeof USAGE_LOGS>> {
    const mirror = await this.mirrors.find({ namespace, repository });
    const rows = await this.dataSource
      .getRepository(EventLogRow)
      .createQueryBuilder('e')
      .where(`e.aggregate_id = :id OR e.data->>'mirrorId' = :id`, { id: mirror.mirrorId })
      .orderBy('e.position', 'DESC')
      .take(parseLimit(limit))
      .getMany();
    return {
      logs: rows.map((e) => usageLogEntry(e)),
    };
  }
}
