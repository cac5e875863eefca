import type { EntityManager, Repository } from 'typeorm';
import type { RunSummary, StoredEvent } from '@ferry/contracts';
import { RunRow, RunStatus } from '../entities/run.entity';
import { RunTagRow, TagResultKind } from '../entities/run-tag.entity';
import type { Projection } from '../projection-runner';

function summaryColumns(summary: RunSummary | null): Partial<RunRow> {
  if (!summary) return {};
  return {
    tagsMatched: summary.tagsMatched,
    tagsCopied: summary.tagsCopied,
    tagsUnchanged: summary.tagsUnchanged,
    tagsDeleted: summary.tagsDeleted,
    tagsFailed: summary.tagsFailed,
    bytesCopied: summary.bytesCopied,
    targetChecked: summary.targetChecked ?? null,
  };
}

/** One row per (run, tag); a tag's later result in the same run replaces its earlier one. */
async function recordTag(
  runTags: Repository<RunTagRow>,
  tag: { runId: string; tag: string },
  at: Date,
  outcome: Partial<RunTagRow> & Pick<RunTagRow, 'result'>,
): Promise<void> {
  await runTags.upsert(
    { runId: tag.runId, tag: tag.tag, digest: null, mediaType: null, bytesCopied: 0, errorCode: null, errorMessage: null, recordedAt: at, ...outcome },
    ['runId', 'tag'],
  );
}

/** Run history: one row per run, and one row per tag a run touched. */
export const runsProjection: Projection = {
  tables: ['runs', 'run_tags'],
  async apply(em: EntityManager, event: StoredEvent): Promise<void> {
    const runs = em.getRepository(RunRow);
    const runTags = em.getRepository(RunTagRow);
    const at = new Date(event.occurredAt);
    switch (event.type) {
      case 'MirrorRunScheduled':
        // A run scheduled again (taken over after its lease ended) counts one more attempt; one statement either way.
        // The columns left out start empty (their defaults): no worker, no times but the schedule, no counts.
        await em.query(
          `INSERT INTO runs (run_id, mirror_id, trigger, status, attempts, scheduled_at, correlation_id, traceparent)
           VALUES ($1, $2, $3, $4, 1, $5, $6, $7)
           ON CONFLICT (run_id) DO UPDATE SET attempts = runs.attempts + 1`,
          [event.data.runId, event.data.mirrorId, event.data.trigger, RunStatus.Scheduled, at, event.correlationId, event.traceparent ?? null],
        );
        return;
      case 'MirrorStarted':
        await runs.update({ runId: event.data.runId }, { status: RunStatus.Running, startedAt: at, worker: event.data.worker });
        return;
      case 'MirrorRunResumed':
        await runs.update({ runId: event.data.runId }, { status: RunStatus.Running, worker: event.data.worker });
        return;
      case 'MirrorSucceeded':
        await runs.update({ runId: event.data.runId }, { status: RunStatus.Succeeded, finishedAt: at, ...summaryColumns(event.data.summary) });
        return;
      case 'MirrorFailed':
        await runs.update(
          { runId: event.data.runId },
          { status: RunStatus.Failed, finishedAt: at, errorCode: event.data.error.code, errorMessage: event.data.error.message, ...summaryColumns(event.data.summary) },
        );
        return;
      case 'MirrorCancelled':
        if (event.data.runId) {
          await runs.update({ runId: event.data.runId }, { status: RunStatus.Cancelled, finishedAt: at, ...summaryColumns(event.data.summary) });
        }
        return;
      case 'MirrorTagSynced':
        await recordTag(runTags, event.data, at, {
          result: event.data.unchanged ? TagResultKind.Unchanged : TagResultKind.Copied,
          digest: event.data.digest,
          mediaType: event.data.mediaType,
          bytesCopied: event.data.bytesCopied,
        });
        return;
      case 'MirrorTagFailed':
        await recordTag(runTags, event.data, at, { result: TagResultKind.Failed, errorCode: event.data.error.code, errorMessage: event.data.error.message });
        return;
      case 'MirrorTagDeleted':
        await recordTag(runTags, event.data, at, { result: TagResultKind.Deleted, digest: event.data.digest });
        return;
      case 'MirrorTagRolledBack':
        await recordTag(runTags, event.data, at, { result: TagResultKind.RolledBack, digest: event.data.digest, mediaType: event.data.mediaType });
        return;
      default:
        return;
    }
  },
};
