import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@ferry/contracts';
import { DueOrgMirrorRow } from '../entities/due-org-mirror.entity';
import type { Projection } from '../projection-runner';

/** The scheduler's index of when each organization mirror's next discovery is due. */
export const dueOrgMirrorsProjection: Projection = {
  tables: ['due_org_mirrors'],
  handles: new Set([
    'OrgMirrorCreated',
    'OrgMirrorUpdated',
    'OrgMirrorDeleted',
    'OrgMirrorSyncNowRequested',
    'OrgDiscoveryScheduled',
    'OrgDiscoveryStarted',
    'OrgDiscoveryPageListed',
    'OrgDiscoveryLeaseRenewed',
    'OrgDiscoveryLeaseReleased',
    'OrgDiscoveryCompleted',
  ]),
  async apply(em: EntityManager, event: StoredEvent): Promise<void> {
    // What it handles is what it says it handles: the runner passes over batches of anything else.
    if (!dueOrgMirrorsProjection.handles!.has(event.type)) return;
    const due = em.getRepository(DueOrgMirrorRow);
    switch (event.type) {
      case 'OrgMirrorCreated':
        await due.upsert(
          {
            organization: event.data.organization,
            isEnabled: event.data.config.isEnabled,
            nextSyncAt: new Date(event.data.nextSyncAt),
            syncNowRequestedAt: null,
            syncNowTraceparent: null,
            leaseExpiresAt: null,
          },
          ['organization'],
        );
        return;
      case 'OrgMirrorUpdated':
        await due.update({ organization: event.data.organization }, { isEnabled: event.data.config.isEnabled, nextSyncAt: new Date(event.data.nextSyncAt) });
        return;
      case 'OrgMirrorDeleted':
        await due.delete({ organization: event.data.organization });
        return;
      case 'OrgMirrorSyncNowRequested':
        await due.update({ organization: event.data.organization }, { syncNowRequestedAt: new Date(event.occurredAt), syncNowTraceparent: event.traceparent ?? null });
        return;
      case 'OrgDiscoveryScheduled':
        await due.update({ organization: event.data.organization }, { syncNowRequestedAt: null, syncNowTraceparent: null, leaseExpiresAt: new Date(event.data.leaseExpiresAt) });
        return;
      // Each page, start and renewal moves the lease on; a discovery given back is due when it was given back.
      case 'OrgDiscoveryStarted':
      case 'OrgDiscoveryPageListed':
      case 'OrgDiscoveryLeaseRenewed':
      case 'OrgDiscoveryLeaseReleased':
        await due.update({ organization: event.data.organization }, { leaseExpiresAt: new Date(event.data.leaseExpiresAt) });
        return;
      case 'OrgDiscoveryCompleted':
        await due.update({ organization: event.data.organization }, { syncNowRequestedAt: null, syncNowTraceparent: null, leaseExpiresAt: null, nextSyncAt: new Date(event.data.nextSyncAt) });
        return;
      default:
        return;
    }
  },
};
