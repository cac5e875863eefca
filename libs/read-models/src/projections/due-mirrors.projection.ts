import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@ferry/contracts';
import { DueMirrorRow } from '../entities/due-mirror.entity';
import type { Projection } from '../projection-runner';

/**
 * How long a pushed tag waits for more pushes before its run is due: a burst of pushes (a
 * multi-tag `docker push`, ten tags in a row) lands within it and becomes one run.
 */
export const PUSH_COALESCING_MS = 500;

/**
 * Runs scheduled, each on its own mirror, in one statement. A new run takes every pushed tag; a
 * run taken over after its lease ended leaves the pushes it never had waiting. Plain SQL for the
 * two writes every run makes: TypeORM's builder cost more CPU than the statement.
 */
async function writeScheduled(em: EntityManager, events: readonly StoredEvent[]): Promise<void> {
  const runs = events.map((event) => event.data as { mirrorId: string; runId: string; leaseExpiresAt: string });
  await em.query(
    `UPDATE due_mirrors AS d SET sync_now_requested_at = NULL, sync_now_traceparent = NULL, lease_expires_at = v.lease_expires_at,
       scheduled_run_id = v.run_id, push_due_at = CASE WHEN d.scheduled_run_id = v.run_id THEN d.push_due_at ELSE NULL END
     FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS v(mirror_id, run_id, lease_expires_at)
     WHERE d.mirror_id = v.mirror_id`,
    [runs.map((run) => run.mirrorId), runs.map((run) => run.runId), runs.map((run) => run.leaseExpiresAt)],
  );
}

/** Runs ended (succeeded, failed, cancelled), each on its own mirror, in one statement: the mirror is due at its next sync. */
async function writeEnded(em: EntityManager, events: readonly StoredEvent[]): Promise<void> {
  const ends = events.map((event) => event.data as { mirrorId: string; nextSyncAt: string });
  await em.query(
    `UPDATE due_mirrors AS d SET sync_now_requested_at = NULL, lease_expires_at = NULL, next_sync_at = v.next_sync_at
     FROM unnest($1::text[], $2::timestamptz[]) AS v(mirror_id, next_sync_at)
     WHERE d.mirror_id = v.mirror_id`,
    [ends.map((end) => end.mirrorId), ends.map((end) => end.nextSyncAt)],
  );
}

/** The writes a batch's events make in one statement each, while they come one after another. */
const GROUPED: ReadonlyMap<string, (em: EntityManager, events: readonly StoredEvent[]) => Promise<void>> = new Map([
  ['MirrorRunScheduled', writeScheduled],
  ['MirrorSucceeded', writeEnded],
  ['MirrorFailed', writeEnded],
  ['MirrorCancelled', writeEnded],
]);

/** The scheduler's index of when each mirror is next due. */
export const dueMirrorsProjection: Projection = {
  tables: ['due_mirrors'],
  handles: new Set([
    'MirrorCreated',
    'MirrorUpdated',
    'MirrorDeleted',
    'MirrorSyncNowRequested',
    'MirrorPushReceived',
    'MirrorRunScheduled',
    'MirrorLeaseRenewed',
    'MirrorLeaseReleased',
    'MirrorSucceeded',
    'MirrorFailed',
    'MirrorCancelled',
  ]),
  async apply(em: EntityManager, event: StoredEvent): Promise<void> {
    // What it handles is what it says it handles: the runner passes over batches of anything else.
    if (!dueMirrorsProjection.handles!.has(event.type)) return;
    const due = em.getRepository(DueMirrorRow);
    switch (event.type) {
      case 'MirrorCreated':
        await due.upsert(
          {
            mirrorId: event.data.mirrorId,
            isEnabled: event.data.config.isEnabled,
            nextSyncAt: new Date(event.data.nextSyncAt),
            syncNowRequestedAt: null,
            syncNowTraceparent: null,
            leaseExpiresAt: null,
          },
          ['mirrorId'],
        );
        return;
      case 'MirrorUpdated':
        await due.update({ mirrorId: event.data.mirrorId }, { isEnabled: event.data.config.isEnabled, nextSyncAt: new Date(event.data.nextSyncAt) });
        return;
      case 'MirrorDeleted':
        await due.delete({ mirrorId: event.data.mirrorId });
        return;
      case 'MirrorSyncNowRequested':
        await due.update({ mirrorId: event.data.mirrorId }, { syncNowRequestedAt: new Date(event.occurredAt), syncNowTraceparent: event.traceparent ?? null });
        return;
      case 'MirrorPushReceived': {
        // Due within the coalescing window, or sooner if something else makes it so.
        const pushDueAt = new Date(Date.parse(event.data.receivedAt) + PUSH_COALESCING_MS);
        await due
          .createQueryBuilder()
          .update()
          .set({ pushDueAt: () => 'least(push_due_at, :pushDueAt)' })
          .setParameter('pushDueAt', pushDueAt)
          .where('mirror_id = :mirrorId', { mirrorId: event.data.mirrorId })
          .execute();
        return;
      }
      case 'MirrorRunScheduled':
        await writeScheduled(em, [event]);
        return;
      case 'MirrorLeaseRenewed':
      // A run given back is due when it was given back: the scheduler reassigns it on its next tick.
      case 'MirrorLeaseReleased':
        await due.update({ mirrorId: event.data.mirrorId }, { leaseExpiresAt: new Date(event.data.leaseExpiresAt) });
        return;
      case 'MirrorSucceeded':
      case 'MirrorFailed':
      case 'MirrorCancelled':
        await writeEnded(em, [event]);
        return;
      default:
        return;
    }
  },
  /**
   * Event by event, except that a stretch of events written alike (a burst of scheduled runs, a
   * few runs ending together) is one statement, as long as no mirror comes twice in it; events
   * the index ignores do not break a stretch.
   */
  async applyAll(em: EntityManager, events: readonly StoredEvent[]): Promise<void> {
    let stretch: { write: (em: EntityManager, events: readonly StoredEvent[]) => Promise<void>; events: StoredEvent[]; mirrors: Set<string> } | null = null;
    const flush = async () => {
      if (stretch) await stretch.write(em, stretch.events);
      stretch = null;
    };
    for (const event of events) {
      if (!dueMirrorsProjection.handles!.has(event.type)) continue;
      const write = GROUPED.get(event.type);
      const mirrorId = (event.data as { mirrorId: string }).mirrorId;
      if (!write) {
        await flush();
        await dueMirrorsProjection.apply(em, event);
        continue;
      }
      if (stretch && (stretch.write !== write || stretch.mirrors.has(mirrorId))) await flush();
      stretch ??= { write, events: [], mirrors: new Set() };
      stretch.events.push(event);
      stretch.mirrors.add(mirrorId);
    }
    await flush();
  },
};
