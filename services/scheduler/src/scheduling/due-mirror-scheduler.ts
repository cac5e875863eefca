import { randomUUID } from 'node:crypto';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import type { DataSource } from 'typeorm';
import { aggregateSubject, AggregateKind, serviceActor } from '@ferry/contracts';
import { eventTraceContext, handleCommand, type EventStore } from '@ferry/event-store';
import { DomainError, mirrorDecider } from '@ferry/mirror';
import { DueMirrorRow } from '@ferry/read-models';
import { recordLeaseTakeover } from '@ferry/metrics';
import { withSpan } from '@ferry/telemetry';
import { inLanes } from '@ferry/service-runtime';

/** The scheduler appends on its own account: usage logs name it as the performer. */
export const SCHEDULER_ACTOR = serviceActor('scheduler');

export interface SchedulerSettings {
  leaseSeconds: number;
  batchSize: number;
  /** Mirrors being scheduled at once within a tick. */
  concurrency?: number;
}

export interface TickResult {
  considered: number;
  scheduled: number;
  /** The log position of the last event the pass appended (0 when none): its projection is awaited before the next pass. */
  lastPosition: number;
}

/**
 * One scheduler pass: find the mirrors whose `due_at` has passed (an indexed range scan, so the
 * cost follows the number due, not the number configured) and issue one run for each. The
 * decision is the decider's, on the mirror's own subject: two schedulers racing over the same
 * mirror produce one `MirrorRunScheduled`, because the second one's append conflicts (it expects
 * the subject's last event to be the one its fold ends at) and its re-read finds the run already
 * scheduled.
 */
export async function scheduleDueMirrors(
  dataSource: DataSource,
  store: EventStore,
  settings: SchedulerSettings,
  now: Date = new Date(),
): Promise<TickResult> {
  const due = await dataSource
    .getRepository(DueMirrorRow)
    .createQueryBuilder('d')
    .where('d.due_at <= :now', { now })
    .orderBy('d.due_at', 'ASC')
    .limit(settings.batchSize)
    .getMany();
  const appended: number[] = [];
  await inLanes(due, settings.concurrency ?? 16, async (mirror) => {
    const position = await scheduleOne(store, mirror, settings, now);
    if (position !== null) appended.push(position);
  });
  return { considered: due.length, scheduled: appended.length, lastPosition: Math.max(0, ...appended) };
}

/** Mirrors due now, and those due for longer than `overdueAfterSeconds` (an indexed count each). */
export async function countDueMirrors(dataSource: DataSource, overdueAfterSeconds: number, now: Date = new Date()): Promise<{ due: number; overdue: number }> {
  const [row] = (await dataSource.query(
    `SELECT count(*) FILTER (WHERE due_at <= $1)::int AS due,
            count(*) FILTER (WHERE due_at <= $1::timestamptz - $2 * interval '1 second')::int AS overdue
       FROM due_mirrors WHERE due_at <= $1`,
    [now, overdueAfterSeconds],
  )) as Array<{ due: number; overdue: number }>;
  return { due: row?.due ?? 0, overdue: row?.overdue ?? 0 };
}

/** Asks one mirror's aggregate for a run; returns the log position of the run it issued, or null when it issued none. */
async function scheduleOne(store: EventStore, mirror: DueMirrorRow, settings: SchedulerSettings, now: Date): Promise<number | null> {
  // A sync-now joins the trace of the API call that asked for it; a scheduled run starts one.
  const parent = mirror.syncNowTraceparent ? eventTraceContext({ traceparent: mirror.syncNowTraceparent }) : ROOT_CONTEXT;
  return withSpan(
    'mirror.schedule',
    async (span) => {
      span.setAttribute('ferry.mirror_id', mirror.mirrorId);
      const runId = randomUUID();
      try {
        const result = await handleCommand(
          store,
          aggregateSubject(store.prefix, AggregateKind.Mirror, mirror.mirrorId),
          mirror.mirrorId,
          mirrorDecider,
          { kind: 'schedule-run', runId, now, leaseSeconds: settings.leaseSeconds },
          { correlationId: runId, causationId: runId, actor: SCHEDULER_ACTOR, now },
          // The fold kept current from the projection's events (`MirrorFoldFeed`), when there is one:
          // a stale one only costs a conflict and the read it saved.
          { trustFold: true },
        );
        span.setAttribute('ferry.scheduled', result.events.length > 0);
        // The decider reassigns a run whose lease ended under that run's own id, not the new one.
        const scheduled = result.events[0]?.data as { runId?: string } | undefined;
        if (scheduled?.runId !== undefined && scheduled.runId !== runId) recordLeaseTakeover();
        return result.events.at(-1)?.position ?? null;
      } catch (error) {
        // The mirror was deleted after the index read it: nothing to schedule.
        if (error instanceof DomainError) return null;
        throw error;
      }
    },
    { parent },
  );
}
