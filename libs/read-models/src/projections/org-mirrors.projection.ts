import { In, IsNull, Not, type EntityManager } from 'typeorm';
import type { OrgMirrorEvent, StoredEvent } from '@ferry/contracts';
import { evolveOrgMirror, initialOrgMirrorState, type OrgMirrorState } from '@ferry/mirror';
import { OrgMirrorRepositoryRow, OrgMirrorRow } from '../entities/org-mirror.entity';
import type { Projection } from '../projection-runner';

/**
 * The orgmirror aggregate's events, by their names' prefixes (organizations' own are `Organization...`):
 * an event added to the aggregate later is folded by its `evolve` without a list to keep here.
 */
const isOrgMirrorEvent = (type: string): boolean => type.startsWith('OrgMirror') || type.startsWith('OrgDiscovery');

/**
 * The state stored beside the row: the repository lists are `org_mirror_repositories`' and the
 * running discovery's are rebuilt by the worker from its own stream, so neither grows the row.
 * Nothing the row's columns or the next `evolve` read is left out.
 */
function slim(state: OrgMirrorState): OrgMirrorState {
  return { ...state, repositories: {}, run: state.run && { ...state.run, matched: [], added: [], failed: [] } };
}

function toRow(state: OrgMirrorState, existing: OrgMirrorRow | null, occurredAt: Date): OrgMirrorRow | null {
  const config = state.config;
  if (!config || !state.organization || state.deleted) return null;
  return Object.assign(new OrgMirrorRow(), {
    organization: state.organization,
    isEnabled: config.isEnabled,
    externalRegistryType: config.externalRegistryType,
    externalRegistryUrl: config.externalRegistryUrl,
    externalListingUrl: config.externalListingUrl ?? null,
    externalNamespace: config.externalNamespace,
    externalRegistryUsername: config.externalRegistryUsername,
    hasPassword: config.externalRegistryPassword !== null,
    robotUsername: config.robotUsername,
    visibility: config.visibility,
    syncInterval: config.syncInterval,
    syncStartDate: new Date(config.syncStartDate),
    nextSyncAt: state.nextSyncAt ? new Date(state.nextSyncAt) : null,
    externalRegistryConfig: config.externalRegistryConfig,
    repositoryFilters: config.repositoryFilters,
    include: config.include,
    exclude: config.exclude,
    repositoryNameTemplate: config.repositoryNameTemplate,
    tagRule: config.tagRule,
    architectureFilter: config.architectureFilter,
    skopeoTimeout: config.skopeoTimeout,
    vanished: config.vanished,
    syncStatus: state.status,
    syncExpirationDate: state.run ? new Date(state.run.leaseExpiresAt) : null,
    syncRetriesRemaining: state.retriesRemaining,
    currentDiscoveryId: state.run?.runId ?? null,
    lastDiscoveryId: state.lastRunId,
    lastDiscoveryAt: existing?.lastDiscoveryAt ?? null,
    lastOutcome: existing?.lastOutcome ?? null,
    lastErrorCode: existing?.lastErrorCode ?? null,
    lastErrorMessage: existing?.lastErrorMessage ?? null,
    lastSummary: state.lastSummary,
    createdAt: existing?.createdAt ?? occurredAt,
    updatedAt: occurredAt,
    state: slim(state),
  });
}

/** The repositories of one organization mirror, as the aggregate's `evolve` keeps them (`withPage`, `withVanished`). */
async function applyToRepositories(em: EntityManager, event: OrgMirrorEvent, before: OrgMirrorState, at: Date): Promise<void> {
  const repositories = em.getRepository(OrgMirrorRepositoryRow);
  const organization = event.data.organization;
  switch (event.type) {
    case 'OrgMirrorCreated':
    case 'OrgMirrorDeleted':
      // A mirror made again starts with none, as its state does; a deleted one lists none.
      await repositories.delete({ organization });
      return;
    case 'OrgDiscoveryPageListed': {
      if (!before.run) return;
      const { added, matched } = event.data;
      if (added.length) await repositories.upsert(added.map(({ repository, upstream }) => ({ organization, repository, upstream, discoveredAt: at, vanishedAt: null })), ['organization', 'repository']);
      if (matched.length) await repositories.update({ organization, repository: In(matched.map((m) => m.repository)), vanishedAt: Not(IsNull()) }, { vanishedAt: null });
      return;
    }
    case 'OrgDiscoveryCompleted': {
      const { deleted, vanished } = event.data.summary;
      if (deleted.length) await repositories.delete({ organization, repository: In(deleted) });
      if (vanished.length) await repositories.update({ organization, repository: In(vanished), vanishedAt: IsNull() }, { vanishedAt: at });
      return;
    }
    default:
      return;
  }
}

/** Quay's organization mirror view and its discovered repositories, by the aggregate's own `evolve`. */
export const orgMirrorsProjection: Projection = {
  tables: ['org_mirrors', 'org_mirror_repositories'],
  async apply(em: EntityManager, event: StoredEvent): Promise<void> {
    if (!isOrgMirrorEvent(event.type)) return;
    const orgEvent = event as unknown as OrgMirrorEvent;
    const rows = em.getRepository(OrgMirrorRow);
    const existing = await rows.findOneBy({ organization: orgEvent.data.organization });
    const before = orgEvent.type === 'OrgMirrorCreated' || !existing ? initialOrgMirrorState() : existing.state;
    const after = evolveOrgMirror(before, orgEvent);
    const at = new Date(event.occurredAt);
    await applyToRepositories(em, orgEvent, before, at);
    const row = toRow(after, orgEvent.type === 'OrgMirrorCreated' ? null : existing, at);
    if (row && orgEvent.type === 'OrgDiscoveryCompleted' && orgEvent.data.runId !== null) {
      row.lastDiscoveryAt = at;
      row.lastOutcome = orgEvent.data.outcome;
      row.lastErrorCode = orgEvent.data.error?.code ?? null;
      row.lastErrorMessage = orgEvent.data.error?.message ?? null;
    }
    if (row) await rows.save(row);
    else if (existing) await rows.delete({ organization: existing.organization });
  },
};
