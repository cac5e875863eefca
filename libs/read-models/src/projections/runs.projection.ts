import type { EntityManager } from 'typeorm';
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
  };
}

/** Run history: one row per run, and one row per tag a run touched. */
export const runsProjection: Projection = {
  tables: ['runs', 'run_tags'],
  async apply(em: EntityManager, event: StoredEvent): Promise<void> {
    const runs = em.getRepository(RunRow);
    const runTags = em.getRepository(RunTagRow);
    const at = new Date(event.occurredAt);
    switch (event.type) {
      case 'MirrorRunScheduled': {
        const existing = await runs.findOneBy({ runId: event.data.runId });
        if (existing) {
          await runs.update({ runId: existing.runId }, { attempts: existing.attempts + 1 });
          return;
        }
        await runs.insert({
          runId: event.data.runId,
          mirrorId: event.data.mirrorId,
          trigger: event.data.trigger,
          status: RunStatus.Scheduled,
          attempts: 1,
          worker: null,
          scheduledAt: at,
          startedAt: null,
          finishedAt: null,
          tagsMatched: null,
          tagsCopied: 0,
          tagsUnchanged: 0,
          tagsDeleted: 0,
          tagsFailed: 0,
          bytesCopied: 0,
          errorCode: null,
          errorMessage: null,
          correlationId: event.correlationId,
          traceparent: event.traceparent ?? null,
        });
        return;
      }
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
        await runTags.upsert(
          {
            runId: event.data.runId,
            tag: event.data.tag,
            result: event.data.unchanged ? TagResultKind.Unchanged : TagResultKind.Copied,
            digest: event.data.digest,
            mediaType: event.data.mediaType,
            bytesCopied: event.data.bytesCopied,
            errorCode: null,
            errorMessage: null,
            recordedAt: at,
          },
          ['runId', 'tag'],
        );
        return;
      case 'MirrorTagFailed':
        await runTags.upsert(
          {
            runId: event.data.runId,
            tag: event.data.tag,
            result: TagResultKind.Failed,
            digest: null,
            mediaType: null,
            bytesCopied: 0,
            errorCode: event.data.error.code,
            errorMessage: event.data.error.message,
            recordedAt: at,
          },
          ['runId', 'tag'],
        );
        return;
      case 'MirrorTagDeleted':
        await runTags.upsert(
          {
            runId: event.data.runId,
            tag: event.data.tag,
            result: TagResultKind.Deleted,
            digest: event.data.digest,
            mediaType: null,
            bytesCopied: 0,
            errorCode: null,
            errorMessage: null,
            recordedAt: at,
          },
          ['runId', 'tag'],
        );
        return;
      default:
        return;
    }
  },
};
