import { randomUUID } from 'node:crypto';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import type { DataSource } from 'typeorm';
import { aggregateSubject, AggregateKind } from '@ferry/contracts';
import { eventTraceContext, handleCommand, type EventStore } from '@ferry/event-store';
import { DomainError, orgMirrorDecider } from '@ferry/mirror';
import { DueOrgMirrorRow } from '@ferry/read-models';
import { withSpan } from '@ferry/telemetry';
import { SCHEDULER_ACTOR, type SchedulerSettings, type TickResult } from './due-mirror-scheduler';
import { inLanes } from '@ferry/service-runtime';

/**
 * The discoveries of one pass, as `scheduleDueMirrors` issues runs: the organization mirrors whose
 * `due_at` has passed (a discovery due, a sync-now, or a held discovery whose lease ended), each
 * asked for a discovery on its own subject. Two schedulers racing over one organization mirror
 * issue one `OrgDiscoveryScheduled`: the second append conflicts, and its re-read finds the
 * discovery held. A discovery whose lease ended is reassigned under its own id with the next
 * fencing token, and resumed from its last page.
 */
export async function scheduleDueDiscoveries(dataSource: DataSource, store: EventStore, settings: SchedulerSettings, now: Date = new Date()): Promise<TickResult> {
  const due = await dataSource
    .getRepository(DueOrgMirrorRow)
    .createQueryBuilder('d')
    .where('d.due_at <= :now', { now })
    .orderBy('d.due_at', 'ASC')
    .limit(settings.batchSize)
    .getMany();
  const appended: number[] = [];
  await inLanes(due, settings.concurrency ?? 16, async (row) => {
    const position = await scheduleDiscovery(store, row, settings, now);
    if (position !== null) appended.push(position);
  });
  return { considered: due.length, scheduled: appended.length, lastPosition: Math.max(0, ...appended) };
}

/** Asks one organization mirror for a discovery; the log position of the one it issued, or null when it issued none. */
async function scheduleDiscovery(store: EventStore, row: DueOrgMirrorRow, settings: SchedulerSettings, now: Date): Promise<number | null> {
  const parent = row.syncNowTraceparent ? eventTraceContext({ traceparent: row.syncNowTraceparent }) : ROOT_CONTEXT;
  return withSpan(
    'org_mirror.schedule',
    async (span) => {
      span.setAttribute('ferry.organization', row.organization);
      const runId = randomUUID();
      try {
        const result = await handleCommand(
          store,
          aggregateSubject(store.prefix, AggregateKind.OrgMirror, row.organization),
          row.organization,
          orgMirrorDecider,
          { kind: 'schedule-discovery', runId, now, leaseSeconds: settings.leaseSeconds },
          { correlationId: runId, causationId: runId, actor: SCHEDULER_ACTOR, now },
        );
        span.setAttribute('ferry.scheduled', result.events.length > 0);
        return result.events.at(-1)?.position ?? null;
      } catch (error) {
        // The organization mirror was deleted after the index read it: nothing to schedule.
        if (error instanceof DomainError) return null;
        throw error;
      }
    },
    { parent },
  );
}
