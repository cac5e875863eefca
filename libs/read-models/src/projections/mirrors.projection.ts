import type { EntityManager } from 'typeorm';
import type { MirrorEvent, StoredEvent } from '@ferry/contracts';
import { evolveMirror, initialMirrorState, type MirrorState } from '@ferry/mirror';
import { MirrorRow } from '../entities/mirror.entity';
import type { Projection } from '../projection-runner';

const MIRROR_EVENTS = new Set<string>([
  'MirrorCreated',
  'MirrorUpdated',
  'MirrorDeleted',
  'MirrorSyncNowRequested',
  'MirrorPushReceived',
  'MirrorRunScheduled',
  'MirrorLeaseRenewed',
  'MirrorLeaseReleased',
  'MirrorStarted',
  'MirrorRunResumed',
  'MirrorSucceeded',
  'MirrorFailed',
  'MirrorCancelRequested',
  'MirrorCancelled',
]);

function toRow(state: MirrorState, existing: MirrorRow | null, occurredAt: Date, lastRunId: string | null): MirrorRow | null {
  const config = state.config;
  if (!config || !state.mirrorId || state.deleted) return null;
  return Object.assign(new MirrorRow(), {
    mirrorId: state.mirrorId,
    namespace: config.namespace,
    repository: config.repository,
    isEnabled: config.isEnabled,
    externalReference: config.externalReference,
    externalRegistryUsername: config.externalRegistryUsername,
    hasPassword: config.externalRegistryPassword !== null,
    robotUsername: config.robotUsername,
    tagRule: config.tagRule,
    syncStartDate: new Date(config.syncStartDate),
    syncInterval: config.syncInterval,
    nextSyncAt: state.nextSyncAt ? new Date(state.nextSyncAt) : null,
    externalRegistryConfig: config.externalRegistryConfig,
    architectureFilter: config.architectureFilter,
    skopeoTimeoutInterval: config.skopeoTimeoutInterval,
    syncStatus: state.status,
    syncExpirationDate: state.run ? new Date(state.run.leaseExpiresAt) : null,
    syncRetriesRemaining: state.retriesRemaining,
    currentRunId: state.run?.runId ?? null,
    lastRunId,
    lastSuccessAt: existing?.lastSuccessAt ?? null,
    createdAt: existing?.createdAt ?? occurredAt,
    updatedAt: occurredAt,
    state,
  });
}

/** Quay's mirror view, computed by the aggregate's own `evolve` over the stored state. */
export const mirrorsProjection: Projection = {
  tables: ['mirrors'],
  async apply(em: EntityManager, event: StoredEvent): Promise<void> {
    if (!MIRROR_EVENTS.has(event.type)) return;
    const mirrorEvent = event as unknown as MirrorEvent;
    const repo = em.getRepository(MirrorRow);
    const existing = await repo.findOneBy({ mirrorId: mirrorEvent.data.mirrorId });
    const before = event.type === 'MirrorCreated' || !existing ? initialMirrorState() : existing.state;
    const after = evolveMirror(before, mirrorEvent);
    const finishedRun =
      event.type === 'MirrorSucceeded' || event.type === 'MirrorFailed' || event.type === 'MirrorCancelled' ? event.data.runId : null;
    const row = toRow(after, event.type === 'MirrorCreated' ? null : existing, new Date(event.occurredAt), finishedRun ?? existing?.lastRunId ?? null);
    if (row && event.type === 'MirrorSucceeded') row.lastSuccessAt = new Date(event.occurredAt);
    // One statement: `save` would read the row again to choose between INSERT and UPDATE.
    if (row) await repo.upsert(row, ['mirrorId']);
    else if (existing) await repo.delete({ mirrorId: existing.mirrorId });
  },
};
