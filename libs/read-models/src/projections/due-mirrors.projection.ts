import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@ferry/contracts';
import { DueMirrorRow } from '../entities/due-mirror.entity';
import type { Projection } from '../projection-runner';

/** The scheduler's index of when each mirror is next due. */
export const dueMirrorsProjection: Projection = {
  tables: ['due_mirrors'],
  async apply(em: EntityManager, event: StoredEvent): Promise<void> {
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
      case 'MirrorRunScheduled':
        await due.update({ mirrorId: event.data.mirrorId }, { syncNowRequestedAt: null, syncNowTraceparent: null, leaseExpiresAt: new Date(event.data.leaseExpiresAt) });
        return;
      case 'MirrorLeaseRenewed':
      // A run given back is due when it was given back: the scheduler reassigns it on its next tick.
      case 'MirrorLeaseReleased':
        await due.update({ mirrorId: event.data.mirrorId }, { leaseExpiresAt: new Date(event.data.leaseExpiresAt) });
        return;
      case 'MirrorSucceeded':
      case 'MirrorFailed':
      case 'MirrorCancelled':
        await due.update(
          { mirrorId: event.data.mirrorId },
          { syncNowRequestedAt: null, leaseExpiresAt: null, nextSyncAt: new Date(event.data.nextSyncAt) },
        );
        return;
      default:
        return;
    }
  },
};
