import type { EntityManager } from 'typeorm';
import type { RunSummary, StoredEvent } from '@ferry/contracts';
import { RunStatus } from '../entities/run.entity';
import { type RunTagRow, TagResultKind } from '../entities/run-tag.entity';
import type { Projection } from '../projection-runner';

/** A run's summary as column values (`tags_matched` is jsonb, so it goes as JSON text). */
function summaryColumns(summary: RunSummary | null): Record<string, unknown> {
  if (!summary) return {};
  return {
    tags_matched: JSON.stringify(summary.tagsMatched),
    tags_copied: summary.tagsCopied,
    tags_unchanged: summary.tagsUnchanged,
    tags_deleted: summary.tagsDeleted,
    tags_failed: summary.tagsFailed,
    bytes_copied: summary.bytesCopied,
    target_checked: summary.targetChecked ?? null,
  };
}

/**
 * Sets columns of one run in a plain parameterised UPDATE: these run three times a run, and
 * TypeORM's query builder cost more CPU than the statement (mirror-config's profile).
 */
async function updateRun(em: EntityManager, runId: string, columns: Record<string, unknown>): Promise<void> {
  const names = Object.keys(columns);
  await em.query(`UPDATE runs SET ${names.map((name, i) => `${name} = $${i + 2}`).join(', ')} WHERE run_id = $1`, [runId, ...names.map((name) => columns[name])]);
}

/** One row per (run, tag); a tag's later result in the same run replaces its earlier one. One plain statement (see `updateRun`). */
async function recordTag(
  em: EntityManager,
  tag: { runId: string; tag: string },
  at: Date,
  outcome: Partial<RunTagRow> & Pick<RunTagRow, 'result'>,
): Promise<void> {
  const row = { digest: null, mediaType: null, bytesCopied: 0, errorCode: null, errorMessage: null, ...outcome };
  await em.query(
    `INSERT INTO run_tags (run_id, tag, result, digest, media_type, bytes_copied, error_code, error_message, recorded_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (run_id, tag) DO UPDATE SET result = EXCLUDED.result, digest = EXCLUDED.digest, media_type = EXCLUDED.media_type,
       bytes_copied = EXCLUDED.bytes_copied, error_code = EXCLUDED.error_code, error_message = EXCLUDED.error_message, recorded_at = EXCLUDED.recorded_at`,
    [tag.runId, tag.tag, row.result, row.digest, row.mediaType, row.bytesCopied, row.errorCode, row.errorMessage, at],
  );
}

/** What one event does to its run's row: creates it (or counts one more attempt), or sets some of its columns. */
type RunChange = { runId: string; schedule: Record<string, unknown> } | { runId: string; set: Record<string, unknown> };

function runChange(event: StoredEvent): RunChange | null {
  const at = new Date(event.occurredAt);
  switch (event.type) {
    case 'MirrorRunScheduled':
      // The columns left out start empty (their defaults): no worker, no times but the schedule, no counts.
      return {
        runId: event.data.runId,
        schedule: {
          mirror_id: event.data.mirrorId,
          trigger: event.data.trigger,
          status: RunStatus.Scheduled,
          scheduled_at: at,
          correlation_id: event.correlationId,
          traceparent: event.traceparent ?? null,
        },
      };
    case 'MirrorStarted':
      return { runId: event.data.runId, set: { status: RunStatus.Running, started_at: at, worker: event.data.worker } };
    case 'MirrorRunResumed':
      return { runId: event.data.runId, set: { status: RunStatus.Running, worker: event.data.worker } };
    case 'MirrorSucceeded':
      return { runId: event.data.runId, set: { status: RunStatus.Succeeded, finished_at: at, ...summaryColumns(event.data.summary) } };
    case 'MirrorFailed':
      return {
        runId: event.data.runId,
        set: { status: RunStatus.Failed, finished_at: at, error_code: event.data.error.code, error_message: event.data.error.message, ...summaryColumns(event.data.summary) },
      };
    case 'MirrorCancelled':
      return event.data.runId ? { runId: event.data.runId, set: { status: RunStatus.Cancelled, finished_at: at, ...summaryColumns(event.data.summary) } } : null;
    default:
      return null;
  }
}

/**
 * One statement for a run's consecutive changes: `schedule` (with `attempts` scheduling events)
 * creates the row, or, when it exists (a run taken over after its lease ended), adds the attempts;
 * `set` then holds the columns later events set, the last value of each winning.
 */
interface RunWrite {
  runId: string;
  schedule?: { columns: Record<string, unknown>; attempts: number };
  set: Record<string, unknown>;
}

async function writeRun(em: EntityManager, write: RunWrite): Promise<void> {
  if (!write.schedule) return updateRun(em, write.runId, write.set);
  const row: Record<string, unknown> = { run_id: write.runId, ...write.schedule.columns, attempts: write.schedule.attempts, ...write.set };
  const names = Object.keys(row);
  const onConflict = [`attempts = runs.attempts + ${write.schedule.attempts}`, ...Object.keys(write.set).map((name) => `${name} = EXCLUDED.${name}`)];
  await em.query(
    `INSERT INTO runs (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}) ON CONFLICT (run_id) DO UPDATE SET ${onConflict.join(', ')}`,
    names.map((name) => row[name]),
  );
}

/** Adds `change` to its run's pending write; returns a write that must go first when the two cannot be one statement. */
function fold(pending: Map<string, RunWrite>, change: RunChange): RunWrite | undefined {
  const write = pending.get(change.runId);
  if ('set' in change) {
    if (write) Object.assign(write.set, change.set);
    else pending.set(change.runId, { runId: change.runId, set: { ...change.set } });
    return undefined;
  }
  // Scheduled again after columns were set: the extra attempt leaves those columns as they are, so it joins the write.
  if (write?.schedule) {
    write.schedule.attempts++;
    return undefined;
  }
  // Scheduled after an update of a row that may not exist yet: the update goes first, as it came.
  pending.set(change.runId, { runId: change.runId, schedule: { columns: change.schedule, attempts: 1 }, set: {} });
  return write;
}

/** A tag's result on its run, or nothing for other events. */
async function applyTag(em: EntityManager, event: StoredEvent): Promise<void> {
  const at = new Date(event.occurredAt);
  switch (event.type) {
    case 'MirrorTagSynced':
      await recordTag(em, event.data, at, {
        result: event.data.unchanged ? TagResultKind.Unchanged : TagResultKind.Copied,
        digest: event.data.digest,
        mediaType: event.data.mediaType,
        bytesCopied: event.data.bytesCopied,
      });
      return;
    case 'MirrorTagFailed':
      await recordTag(em, event.data, at, { result: TagResultKind.Failed, errorCode: event.data.error.code, errorMessage: event.data.error.message });
      return;
    case 'MirrorTagDeleted':
      await recordTag(em, event.data, at, { result: TagResultKind.Deleted, digest: event.data.digest });
      return;
    case 'MirrorTagRolledBack':
      await recordTag(em, event.data, at, { result: TagResultKind.RolledBack, digest: event.data.digest, mediaType: event.data.mediaType });
      return;
    default:
      return;
  }
}

/**
 * Run history: one row per run, and one row per tag a run touched. A batch writes each run's row
 * once, however many of its events the batch holds (scheduled, started and finished are three
 * statements event by event, one when they come together); rows come out as event by event.
 */
export const runsProjection: Projection = {
  tables: ['runs', 'run_tags'],
  apply: (em, event) => runsProjection.applyAll!(em, [event]),
  async applyAll(em: EntityManager, events: readonly StoredEvent[]): Promise<void> {
    const pending = new Map<string, RunWrite>();
    for (const event of events) {
      const change = runChange(event);
      if (change) {
        const first = fold(pending, change);
        if (first) await writeRun(em, first);
      } else {
        await applyTag(em, event);
      }
    }
    for (const write of pending.values()) await writeRun(em, write);
  },
};
