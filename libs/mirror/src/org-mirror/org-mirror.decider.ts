import {
  deleteAllowance,
  DomainError,
  DomainErrorCode,
  MirrorStatus,
  RunOutcome,
  RunTrigger,
  VanishedAction,
  type DiscoveredRepository,
  type DiscoverySummary,
  type NewEvent,
  type OrgMirrorConfig,
  type OrgMirrorEvent,
  type OrgMirrorRepository,
  type RunError,
} from '@ferry/contracts';
import { sameSettings } from '../same-settings';
import { nextGridPoint, retryAt, RETRIES_PER_INTERVAL } from '../sync-schedule';

/** The discovery that holds the organization mirror, with what its pages have found so far. */
export interface DiscoveryRun {
  runId: string;
  trigger: RunTrigger;
  /** Grows with every (re)assignment, so a worker that lost its lease cannot record late. */
  fencingToken: number;
  leaseExpiresAt: string;
  /** The fencing token under which a worker last started (or resumed) it; null before. */
  startedWithToken: number | null;
  startedAt: string | null;
  cancelRequested: boolean;
  /** Where the listing resumes: the cursor after the last page handled (null: from the start, or done when `complete`). */
  cursor: string | null;
  /** True once the last page of the listing was handled. */
  complete: boolean;
  pages: number;
  listed: number;
  /** Target repositories the listing selected so far, for what vanished. */
  matched: string[];
  added: string[];
  failed: { repository: string; message: string }[];
}

export interface OrgMirrorState {
  organization: string | null;
  config: OrgMirrorConfig | null;
  deleted: boolean;
  /** Quay's statuses, as for a repository mirror. */
  status: MirrorStatus;
  nextSyncAt: string | null;
  run: DiscoveryRun | null;
  lastFencingToken: number;
  retriesRemaining: number;
  /** Every repository a discovery set up and that was not deleted since, by target repository. */
  repositories: Record<string, OrgMirrorRepository>;
  lastSummary: DiscoverySummary | null;
  lastRunId: string | null;
}

/** What a worker hands in for one page of the listing, after setting up its repositories. */
export interface ListedPage {
  cursor: string | null;
  listed: number;
  matched: DiscoveredRepository[];
  added: DiscoveredRepository[];
  failed: { repository: string; message: string }[];
}

export type OrgMirrorCommand =
  | { kind: 'create'; config: OrgMirrorConfig }
  | { kind: 'update'; config: OrgMirrorConfig }
  | { kind: 'delete'; deleteRepositories: boolean }
  | { kind: 'request-sync-now' }
  | { kind: 'cancel'; now: Date }
  | { kind: 'schedule-discovery'; runId: string; now: Date; leaseSeconds: number }
  | { kind: 'start-discovery'; runId: string; fencingToken: number; worker: string; now: Date; leaseSeconds: number }
  | { kind: 'record-page'; runId: string; fencingToken: number; page: ListedPage; now: Date; leaseSeconds: number }
  /** Keeps the lease while one page takes long; refused (STALE_RUN) once another worker holds the discovery. */
  | { kind: 'renew-discovery-lease'; runId: string; fencingToken: number; now: Date; leaseSeconds: number }
  /** A stopping worker gives the discovery back: due at once, for another worker to resume from its last page. */
  | { kind: 'release-discovery-lease'; runId: string; fencingToken: number; now: Date }
  | {
      kind: 'complete-discovery';
      runId: string;
      fencingToken: number;
      outcome: RunOutcome;
      error?: RunError;
      retryable?: boolean;
      /** What the worker removed under `vanished: delete` (see `vanishedPlan`). */
      deleted?: string[];
      deletionRefused?: { wouldDelete: number; allowed: number };
      now: Date;
      /** 0..1, drawn by the caller, spreads retries apart. */
      jitter: number;
    };

export const initialOrgMirrorState = (): OrgMirrorState => ({
  organization: null,
  config: null,
  deleted: false,
  status: MirrorStatus.NeverRun,
  nextSyncAt: null,
  run: null,
  lastFencingToken: 0,
  retriesRemaining: RETRIES_PER_INTERVAL,
  repositories: {},
  lastSummary: null,
  lastRunId: null,
});

function existing(state: OrgMirrorState): { organization: string; config: OrgMirrorConfig } {
  if (state.organization === null || state.config === null || state.deleted) {
    throw new DomainError(DomainErrorCode.OrgMirrorNotFound, 'this organization has no mirror configured');
  }
  return { organization: state.organization, config: state.config };
}

function heldRun(state: OrgMirrorState, runId: string, fencingToken: number): DiscoveryRun {
  const run = state.run;
  if (!run || run.runId !== runId || run.fencingToken !== fencingToken) {
    throw new DomainError(DomainErrorCode.StaleRun, `discovery ${runId} no longer holds this organization mirror`);
  }
  return run;
}

const leaseUntil = (now: Date, leaseSeconds: number) => new Date(now.getTime() + leaseSeconds * 1000).toISOString();

/** True when the scheduler should start (or, its lease over, reassign) a discovery now. */
export function isDiscoveryDue(state: OrgMirrorState, now: Date): boolean {
  if (!state.config || state.deleted) return false;
  if (state.run) return Date.parse(state.run.leaseExpiresAt) <= now.getTime();
  if (state.status === MirrorStatus.SyncNow) return true;
  return state.config.isEnabled && state.nextSyncAt !== null && Date.parse(state.nextSyncAt) <= now.getTime();
}

/**
 * The repositories whose upstream is gone, once a discovery has listed everything: those set up
 * before that this listing did not select. Empty on an incomplete listing, whatever it missed.
 */
export function vanishedRepositories(state: OrgMirrorState): string[] {
  const run = state.run;
  if (!run?.complete) return [];
  const matched = new Set(run.matched);
  return Object.keys(state.repositories).filter((repository) => !matched.has(repository)).sort();
}

/**
 * What the worker does about the vanished repositories before it completes the discovery: under
 * `delete`, delete them all, or none when they are more than the cap allows (the discovery then
 * fails with DELETE_CAP_EXCEEDED); under `report`, stop their runs; under `keep`, nothing.
 */
export function vanishedPlan(state: OrgMirrorState): { vanished: string[]; remove: string[]; stop: string[]; refused: { wouldDelete: number; allowed: number } | null } {
  const { config } = existing(state);
  const vanished = vanishedRepositories(state);
  if (config.vanished.action === VanishedAction.Keep) return { vanished, remove: [], stop: [], refused: null };
  if (config.vanished.action === VanishedAction.Report) {
    return { vanished, remove: [], stop: vanished.filter((r) => state.repositories[r]?.vanishedAt === null), refused: null };
  }
  const allowed = deleteAllowance(config.vanished.maxDelete, Object.keys(state.repositories).length);
  if (vanished.length > allowed) return { vanished, remove: [], stop: [], refused: { wouldDelete: vanished.length, allowed } };
  return { vanished, remove: vanished, stop: [], refused: null };
}

function summaryOf(run: DiscoveryRun, vanished: string[], deleted: string[], deletionRefused?: { wouldDelete: number; allowed: number }): DiscoverySummary {
  return {
    startedAt: run.startedAt,
    pages: run.pages,
    listed: run.listed,
    matched: run.matched.length,
    added: run.added,
    vanished,
    deleted,
    failed: run.failed,
    ...(deletionRefused ? { deletionRefused } : {}),
  };
}

const EMPTY_SUMMARY: DiscoverySummary = { startedAt: null, pages: 0, listed: 0, matched: 0, added: [], vanished: [], deleted: [], failed: [] };

export function decideOrgMirror(command: OrgMirrorCommand, state: OrgMirrorState): NewEvent<OrgMirrorEvent>[] {
  switch (command.kind) {
    case 'create': {
      if (state.organization !== null && !state.deleted) {
        throw new DomainError(DomainErrorCode.OrgMirrorAlreadyExists, 'Mirror configuration already exists for this organization');
      }
      const { config } = command;
      return [{ type: 'OrgMirrorCreated', data: { organization: config.organization, config, nextSyncAt: config.syncStartDate } }];
    }
    case 'update': {
      const { organization, config } = existing(state);
      if (sameSettings(config, command.config)) return [];
      const scheduleChanged = config.syncStartDate !== command.config.syncStartDate || config.syncInterval !== command.config.syncInterval;
      const nextSyncAt = scheduleChanged ? command.config.syncStartDate : (state.nextSyncAt ?? command.config.syncStartDate);
      return [{ type: 'OrgMirrorUpdated', data: { organization, config: command.config, nextSyncAt } }];
    }
    case 'delete': {
      const { organization } = existing(state);
      return [{ type: 'OrgMirrorDeleted', data: { organization, deleteRepositories: command.deleteRepositories } }];
    }
    case 'request-sync-now': {
      const { organization } = existing(state);
      // Quay's answer and words (a 400 at the HTTP edge).
      if (state.run) throw new DomainError(DomainErrorCode.DiscoveryInProgress, 'Cannot trigger sync: discovery is currently in progress.');
      if (state.status === MirrorStatus.SyncNow) return [];
      return [{ type: 'OrgMirrorSyncNowRequested', data: { organization } }];
    }
    case 'cancel': {
      // Quay's rule: a cancel is taken from any status but CANCEL. With nothing running it only
      // sets CANCEL (the schedule stays); a requested sync-now is withdrawn.
      const { organization, config } = existing(state);
      if (state.status === MirrorStatus.Cancel || state.run?.cancelRequested) {
        throw new DomainError(DomainErrorCode.AlreadyCancelled, 'Cannot cancel: mirror is already cancelled');
      }
      if (state.run) return [{ type: 'OrgDiscoveryCancelRequested', data: { organization, runId: state.run.runId } }];
      if (state.status === MirrorStatus.SyncNow) {
        const nextSyncAt = nextGridPoint(config.syncStartDate, config.syncInterval, command.now);
        return [
          {
            type: 'OrgDiscoveryCompleted',
            data: { organization, runId: null, outcome: RunOutcome.Cancelled, summary: EMPTY_SUMMARY, error: null, retryable: false, retriesRemaining: state.retriesRemaining, nextSyncAt },
          },
        ];
      }
      return [{ type: 'OrgDiscoveryCancelRequested', data: { organization, runId: null } }];
    }
    case 'schedule-discovery': {
      if (!isDiscoveryDue(state, command.now)) return [];
      const { organization } = existing(state);
      const reclaimed = state.run;
      const trigger = reclaimed?.trigger ?? (state.status === MirrorStatus.SyncNow ? RunTrigger.SyncNow : state.retriesRemaining < RETRIES_PER_INTERVAL ? RunTrigger.Retry : RunTrigger.Schedule);
      return [
        {
          type: 'OrgDiscoveryScheduled',
          data: {
            organization,
            runId: reclaimed?.runId ?? command.runId,
            trigger,
            fencingToken: state.lastFencingToken + 1,
            leaseExpiresAt: leaseUntil(command.now, command.leaseSeconds),
          },
        },
      ];
    }
    case 'start-discovery': {
      const { organization } = existing(state);
      const run = heldRun(state, command.runId, command.fencingToken);
      if (run.startedWithToken === run.fencingToken) return [];
      return [
        {
          type: 'OrgDiscoveryStarted',
          data: {
            organization,
            runId: run.runId,
            trigger: run.trigger,
            fencingToken: run.fencingToken,
            worker: command.worker,
            resumed: run.startedWithToken !== null,
            leaseExpiresAt: leaseUntil(command.now, command.leaseSeconds),
          },
        },
      ];
    }
    case 'record-page': {
      const { organization } = existing(state);
      const run = heldRun(state, command.runId, command.fencingToken);
      if (run.complete) return [];
      const { page } = command;
      return [
        {
          type: 'OrgDiscoveryPageListed',
          data: {
            organization,
            runId: run.runId,
            fencingToken: run.fencingToken,
            page: run.pages + 1,
            cursor: page.cursor,
            listed: page.listed,
            matched: page.matched,
            added: page.added,
            failed: page.failed,
            leaseExpiresAt: leaseUntil(command.now, command.leaseSeconds),
          },
        },
      ];
    }
    case 'renew-discovery-lease': {
      const { organization } = existing(state);
      const run = heldRun(state, command.runId, command.fencingToken);
      return [{ type: 'OrgDiscoveryLeaseRenewed', data: { organization, runId: run.runId, fencingToken: run.fencingToken, leaseExpiresAt: leaseUntil(command.now, command.leaseSeconds) } }];
    }
    case 'release-discovery-lease': {
      const { organization } = existing(state);
      const run = heldRun(state, command.runId, command.fencingToken);
      return [{ type: 'OrgDiscoveryLeaseReleased', data: { organization, runId: run.runId, fencingToken: run.fencingToken, leaseExpiresAt: command.now.toISOString() } }];
    }
    case 'complete-discovery': {
      const { organization, config } = existing(state);
      const run = heldRun(state, command.runId, command.fencingToken);
      const gridNext = nextGridPoint(config.syncStartDate, config.syncInterval, command.now);
      const vanished = command.outcome === RunOutcome.Succeeded || command.deletionRefused ? vanishedRepositories(state) : [];
      const summary = summaryOf(run, vanished, command.deleted ?? [], command.deletionRefused);
      const base = { organization, runId: run.runId, summary };
      if (command.outcome === RunOutcome.Succeeded) {
        return [{ type: 'OrgDiscoveryCompleted', data: { ...base, outcome: RunOutcome.Succeeded, error: null, retryable: false, retriesRemaining: RETRIES_PER_INTERVAL, nextSyncAt: gridNext } }];
      }
      if (command.outcome === RunOutcome.Cancelled) {
        return [{ type: 'OrgDiscoveryCompleted', data: { ...base, outcome: RunOutcome.Cancelled, error: null, retryable: false, retriesRemaining: state.retriesRemaining, nextSyncAt: gridNext } }];
      }
      const retryable = command.retryable ?? false;
      const retriesRemaining = retryable ? Math.max(0, state.retriesRemaining - 1) : 0;
      const attempt = RETRIES_PER_INTERVAL - retriesRemaining;
      const nextSyncAt = retryable && retriesRemaining > 0 ? retryAt(command.now, attempt, gridNext, command.jitter) : gridNext;
      return [
        {
          type: 'OrgDiscoveryCompleted',
          data: { ...base, outcome: RunOutcome.Failed, error: command.error ?? { code: 'UNKNOWN', message: 'the discovery failed' }, retryable, retriesRemaining, nextSyncAt },
        },
      ];
    }
    default: {
      const never: never = command;
      return never;
    }
  }
}

/** The repositories after a page: new ones in, ones listed again no longer vanished. */
function withPage(repositories: Record<string, OrgMirrorRepository>, matched: DiscoveredRepository[], added: DiscoveredRepository[], at: string): Record<string, OrgMirrorRepository> {
  const next = { ...repositories };
  for (const { repository, upstream } of added) next[repository] = { repository, upstream, discoveredAt: at, vanishedAt: null };
  for (const { repository } of matched) {
    const known = next[repository];
    if (known && known.vanishedAt !== null) next[repository] = { ...known, vanishedAt: null };
  }
  return next;
}

/** The repositories after a discovery: the deleted ones out, the vanished ones marked (once). */
function withVanished(repositories: Record<string, OrgMirrorRepository>, summary: DiscoverySummary, at: string): Record<string, OrgMirrorRepository> {
  const next = { ...repositories };
  for (const repository of summary.deleted) delete next[repository];
  for (const repository of summary.vanished) {
    const known = next[repository];
    if (known && known.vanishedAt === null) next[repository] = { ...known, vanishedAt: at };
  }
  return next;
}

const STATUS_OF: Record<RunOutcome, MirrorStatus> = {
  [RunOutcome.Succeeded]: MirrorStatus.Success,
  [RunOutcome.Failed]: MirrorStatus.Fail,
  [RunOutcome.Cancelled]: MirrorStatus.Cancel,
};

export function evolveOrgMirror(state: OrgMirrorState, event: OrgMirrorEvent): OrgMirrorState {
  const at = event.occurredAt;
  switch (event.type) {
    case 'OrgMirrorCreated':
      // A mirror made again after a delete starts afresh, but fencing tokens only grow.
      return { ...initialOrgMirrorState(), lastFencingToken: state.lastFencingToken, organization: event.data.organization, config: event.data.config, nextSyncAt: event.data.nextSyncAt };
    case 'OrgMirrorUpdated':
      return { ...state, config: event.data.config, nextSyncAt: event.data.nextSyncAt };
    case 'OrgMirrorDeleted':
      return { ...state, deleted: true, run: null };
    case 'OrgMirrorSyncNowRequested':
      return { ...state, status: MirrorStatus.SyncNow };
    case 'OrgDiscoveryScheduled': {
      const same = state.run?.runId === event.data.runId ? state.run : null;
      return {
        ...state,
        status: MirrorStatus.Syncing,
        lastFencingToken: event.data.fencingToken,
        run: {
          runId: event.data.runId,
          trigger: event.data.trigger,
          fencingToken: event.data.fencingToken,
          leaseExpiresAt: event.data.leaseExpiresAt,
          startedWithToken: same?.startedWithToken ?? null,
          startedAt: same?.startedAt ?? null,
          cancelRequested: same?.cancelRequested ?? false,
          cursor: same?.cursor ?? null,
          complete: same?.complete ?? false,
          pages: same?.pages ?? 0,
          listed: same?.listed ?? 0,
          matched: same?.matched ?? [],
          added: same?.added ?? [],
          failed: same?.failed ?? [],
        },
      };
    }
    case 'OrgDiscoveryStarted':
      return {
        ...state,
        status: state.run?.cancelRequested ? MirrorStatus.Cancel : MirrorStatus.Syncing,
        run: state.run && { ...state.run, startedWithToken: event.data.fencingToken, startedAt: state.run.startedAt ?? at, leaseExpiresAt: event.data.leaseExpiresAt },
      };
    case 'OrgDiscoveryPageListed': {
      const run = state.run;
      if (!run) return state;
      const { data } = event;
      return {
        ...state,
        repositories: withPage(state.repositories, data.matched, data.added, at),
        run: {
          ...run,
          leaseExpiresAt: data.leaseExpiresAt,
          cursor: data.cursor,
          complete: data.cursor === null,
          pages: data.page,
          listed: run.listed + data.listed,
          matched: [...run.matched, ...data.matched.map((m) => m.repository)],
          added: [...run.added, ...data.added.map((m) => m.repository)],
          failed: [...run.failed, ...data.failed],
        },
      };
    }
    case 'OrgDiscoveryLeaseRenewed':
    case 'OrgDiscoveryLeaseReleased':
      return { ...state, run: state.run && { ...state.run, leaseExpiresAt: event.data.leaseExpiresAt } };
    case 'OrgDiscoveryCancelRequested':
      return { ...state, status: MirrorStatus.Cancel, run: state.run && { ...state.run, cancelRequested: true } };
    case 'OrgDiscoveryCompleted':
      return {
        ...state,
        status: STATUS_OF[event.data.outcome],
        run: null,
        nextSyncAt: event.data.nextSyncAt,
        retriesRemaining: event.data.retriesRemaining > 0 ? event.data.retriesRemaining : RETRIES_PER_INTERVAL,
        repositories: withVanished(state.repositories, event.data.summary, at),
        ...(event.data.runId ? { lastSummary: event.data.summary, lastRunId: event.data.runId } : {}),
      };
    default: {
      const never: never = event;
      return never;
    }
  }
}

export const orgMirrorDecider = {
  initialState: initialOrgMirrorState,
  evolve: evolveOrgMirror,
  decide: decideOrgMirror,
};
