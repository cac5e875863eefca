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

function toRow(state: MirrorState, existing: StoredMirror | null, occurredAt: Date, lastRunId: string | null): MirrorRow | null {
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

/** A mirror's row after one more event: null when the mirror is gone (or never was). */
function nextRow(existing: StoredMirror | null, event: MirrorEvent & StoredEvent): MirrorRow | null {
  const before = event.type === 'MirrorCreated' || !existing ? initialMirrorState() : existing.state;
  const after = evolveMirror(before, event);
  const finishedRun = event.type === 'MirrorSucceeded' || event.type === 'MirrorFailed' || event.type === 'MirrorCancelled' ? event.data.runId : null;
  const row = toRow(after, event.type === 'MirrorCreated' ? null : existing, new Date(event.occurredAt), finishedRun ?? existing?.lastRunId ?? null);
  if (row && event.type === 'MirrorSucceeded') row.lastSuccessAt = new Date(event.occurredAt);
  return row;
}

/** What a mirror's next row keeps of its stored one. */
type StoredMirror = Pick<MirrorRow, 'mirrorId' | 'lastRunId' | 'lastSuccessAt' | 'createdAt' | 'state'>;

/** The row's columns, in the order `rowValues` gives them; `jsonb` ones go as JSON text. */
const COLUMNS = [
  'mirror_id', 'namespace', 'repository', 'is_enabled', 'external_reference', 'external_registry_username', 'has_password',
  'robot_username', 'tag_rule', 'sync_start_date', 'sync_interval', 'next_sync_at', 'external_registry_config',
  'architecture_filter', 'skopeo_timeout_interval', 'sync_status', 'sync_expiration_date', 'sync_retries_remaining',
  'current_run_id', 'last_run_id', 'last_success_at', 'created_at', 'updated_at', 'state',
] as const;
const JSONB = new Set<string>(['tag_rule', 'external_registry_config', 'architecture_filter', 'state']);

function rowValues(row: MirrorRow): unknown[] {
  const iso = (date: Date | null) => date?.toISOString() ?? null;
  return [
    row.mirrorId, row.namespace, row.repository, row.isEnabled, row.externalReference, row.externalRegistryUsername, row.hasPassword,
    row.robotUsername, JSON.stringify(row.tagRule), iso(row.syncStartDate), row.syncInterval, iso(row.nextSyncAt), JSON.stringify(row.externalRegistryConfig),
    JSON.stringify(row.architectureFilter), row.skopeoTimeoutInterval, row.syncStatus, iso(row.syncExpirationDate), row.syncRetriesRemaining,
    row.currentRunId, row.lastRunId, iso(row.lastSuccessAt), iso(row.createdAt), iso(row.updatedAt), JSON.stringify(row.state),
  ];
}

/** One upsert of many rows: `($1, … $24), ($25, …)`, each mirror once. */
async function upsertRows(em: EntityManager, rows: readonly MirrorRow[]): Promise<void> {
  const tuples = rows.map((_, row) => `(${COLUMNS.map((column, i) => `$${row * COLUMNS.length + i + 1}${JSONB.has(column) ? '::jsonb' : ''}`).join(', ')})`);
  await em.query(
    `INSERT INTO mirrors (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}
     ON CONFLICT (mirror_id) DO UPDATE SET ${COLUMNS.slice(1).map((column) => `${column} = EXCLUDED.${column}`).join(', ')}`,
    rows.flatMap(rowValues),
  );
}

/**
 * Reads the batch's mirrors' rows in one statement, folds the events over them, writes each changed
 * mirror once. Plain SQL: TypeORM's `findBy` and `upsert` of the 24-column row cost mirror-config
 * more CPU than the statements (its profile under the scheduling benchmark).
 */
async function applyMirrorEvents(em: EntityManager, events: readonly StoredEvent[]): Promise<void> {
  const mirrorEvents = events.filter((event) => MIRROR_EVENTS.has(event.type)) as unknown as Array<MirrorEvent & StoredEvent>;
  if (mirrorEvents.length === 0) return;
  const ids = [...new Set(mirrorEvents.map((event) => event.data.mirrorId))];
  const stored = ((await em.query(
    `SELECT mirror_id AS "mirrorId", last_run_id AS "lastRunId", last_success_at AS "lastSuccessAt", created_at AS "createdAt", state
       FROM mirrors WHERE mirror_id = ANY($1::text[])`,
    [ids],
  )) as StoredMirror[]);
  const rows = new Map<string, MirrorRow | StoredMirror | null>(ids.map((id) => [id, stored.find((row) => row.mirrorId === id) ?? null]));
  for (const event of mirrorEvents) rows.set(event.data.mirrorId, nextRow(rows.get(event.data.mirrorId)!, event));
  const kept = [...rows.values()].filter((row): row is MirrorRow => row !== null);
  const gone = stored.filter((row) => rows.get(row.mirrorId) === null).map((row) => row.mirrorId);
  if (kept.length) await upsertRows(em, kept);
  if (gone.length) await em.query('DELETE FROM mirrors WHERE mirror_id = ANY($1::text[])', [gone]);
}

/**
 * Quay's mirror view, computed by the aggregate's own `evolve` over the stored state. A batch
 * costs two statements, where a run's three mirror events cost six one by one.
 */
export const mirrorsProjection: Projection = {
  tables: ['mirrors'],
  apply: (em, event) => applyMirrorEvents(em, [event]),
  applyAll: applyMirrorEvents,
};
