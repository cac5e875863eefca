import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@ferry/contracts';
import { DueMirrorRow } from '../entities/due-mirror.entity';
import type { Projection } from '../projection-runner';

/**
 * How long a pushed tag waits for more pushes before its run is due: a burst of pushes (a
 * multi-tag `docker push`, ten tags in a row) lands within it and becomes one run.
 */
export const PUSH_COALESCING_MS = 500;

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
        // A new run takes every pushed tag; a run taken over after its lease ended leaves the pushes it never had waiting.
        // Plain SQL for the two statements every run makes: TypeORM's builder cost more CPU than the statement.
        await em.query(
          `UPDATE due_mirrors SET sync_now_requested_at = NULL, sync_now_traceparent = NULL, lease_expires_at = $3, scheduled_run_id = $2,
             push_due_at = CASE WHEN scheduled_run_id = $2 THEN push_due_at ELSE NULL END
           WHERE mirror_id = $1`,
          [event.data.mirrorId, event.data.runId, new Date(event.data.leaseExpiresAt)],
        );
        return;
      case 'MirrorLeaseRenewed':
      // A run given back is due when it was given back: the scheduler reassigns it on its next tick.
      case 'MirrorLeaseReleased':
        await due.update({ mirrorId: event.data.mirrorId }, { leaseExpiresAt: new Date(event.data.leaseExpiresAt) });
        return;
      case 'MirrorSucceeded':
      case 'MirrorFailed':
      case 'MirrorCancelled':
        await em.query('UPDATE due_mirrors SET sync_now_requested_at = NULL, lease_expires_at = NULL, next_sync_at = $2 WHERE mirror_id = $1', [
          event.data.mirrorId,
          new Date(event.data.nextSyncAt),
        ]);
        return;
      default:
        return;
    }
  },
};
