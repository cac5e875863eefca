import {
  MirrorStatus,
  RunOutcome,
  RunTrigger,
  type MirrorConfig,
  type MirrorEvent,
  type NewEvent,
  type RunError,
  type RunSummary,
} from '@ferry/contracts';
import { DomainError, DomainErrorCode } from '@ferry/contracts';
import { foldTagsSeen, type TagsFirstSeen } from './tags-first-seen';
import { sameSettings } from './same-settings';
import { nextGridPoint, retryAt, RETRIES_PER_INTERVAL } from './sync-schedule';

/** The run that currently holds the mirror, if any. */
export interface ActiveRun {
  runId: string;
  trigger: RunTrigger;
  /** Grows with every (re)assignment, so a worker that lost its lease cannot report late. */
  fencingToken: number;
  leaseExpiresAt: string;
  /** The fencing token under which a worker last started (or resumed) the run; null before. */
  startedWithToken: number | null;
  cancelRequested: boolean;
  /** A targeted run's tags (pushed upstream); absent for a run of every tag. */
  tags?: string[];
}

export interface MirrorState {
  mirrorId: string | null;
  config: MirrorConfig | null;
  deleted: boolean;
  status: MirrorStatus;
  nextSyncAt: string | null;
  run: ActiveRun | null;
  lastFencingToken: number;
  retriesRemaining: number;
  consecutiveFailures: number;
  /** The last run that ended: its tag results record what Ferry wrote to the target. */
  lastRunId: string | null;
  /** When the last run that checked every tag on the target began: drift is repaired up to then. */
  lastTargetCheckAt: string | null;
  /** When Ferry first saw each tag the upstream lists, from the runs' listings (absent in states folded before it was kept). */
  tagsFirstSeen?: TagsFirstSeen;
  /**
   * Tags an upstream said it pushed that no run has taken yet: the next run is a push run of
   * these (absent in states folded before hooks existed).
   */
  pushedTags?: string[];
}

export type MirrorCommand =
  | { kind: 'create'; mirrorId: string; config: MirrorConfig; now: Date }
  | { kind: 'update'; config: MirrorConfig; now: Date }
  | { kind: 'delete' }
  | { kind: 'request-sync-now' }
  /** An upstream pushed these tags (a hook's delivery); `now` is when it was received. */
  | { kind: 'receive-push'; hookId: string; tags: string[]; now: Date }
  | { kind: 'cancel' ; now: Date }
  | { kind: 'schedule-run'; runId: string; now: Date; leaseSeconds: number }
  | { kind: 'start-run'; runId: string; fencingToken: number; worker: string }
  | { kind: 'renew-lease'; runId: string; fencingToken: number; now: Date; leaseSeconds: number }
  /** A stopping worker gives its run back: it is due at once, for another worker to resume. */
  | { kind: 'release-lease'; runId: string; fencingToken: number; now: Date }
  | {
      kind: 'complete-run';
      runId: string;
      fencingToken: number;
      outcome: RunOutcome;
      summary: RunSummary;
      error?: RunError;
      retryable?: boolean;
      now: Date;
      /** 0..1, drawn by the caller, spreads retries of many mirrors apart. */
      jitter: number;
      /** First retry delay after a transient failure; doubles per retry (default 30 s). */
      retryBaseSeconds?: number;
    };

export const initialMirrorState = (): MirrorState => ({
  mirrorId: null,
  config: null,
  deleted: false,
  status: MirrorStatus.NeverRun,
  nextSyncAt: null,
  run: null,
  lastFencingToken: 0,
  retriesRemaining: RETRIES_PER_INTERVAL,
  consecutiveFailures: 0,
  lastRunId: null,
  lastTargetCheckAt: null,
  tagsFirstSeen: {},
  pushedTags: [],
});

function existing(state: MirrorState): { mirrorId: string; config: MirrorConfig } {
  if (state.mirrorId === null || state.config === null || state.deleted) {
    throw new DomainError(DomainErrorCode.MirrorNotFound, 'no mirror is configured for this repository');
  }
  return { mirrorId: state.mirrorId, config: state.config };
}

function heldRun(state: MirrorState, runId: string, fencingToken: number): ActiveRun {
  const run = state.run;
  if (!run || run.runId !== runId || run.fencingToken !== fencingToken) {
    throw new DomainError(DomainErrorCode.StaleRun, `run ${runId} no longer holds this mirror`);
  }
  return run;
}

/**
 * Pushed tags a push run takes by name; past this many it runs every tag instead, which a mirror
 * does anyway, and keeps the run's event small however much an upstream pushes.
 */
export const MAX_PUSHED_TAGS = 500;

/** True when the scheduler should start a run now. */
export function isDue(state: MirrorState, now: Date): boolean {
  if (!state.config || state.deleted) return false;
  if (state.run) return Date.parse(state.run.leaseExpiresAt) <= now.getTime();
  if (state.status === MirrorStatus.SyncNow) return true;
  if (!state.config.isEnabled) return false;
  return scheduleDue(state, now) || (state.pushedTags?.length ?? 0) > 0;
}

function scheduleDue(state: MirrorState, now: Date): boolean {
  return state.nextSyncAt !== null && Date.parse(state.nextSyncAt) <= now.getTime();
}

export function decideMirror(command: MirrorCommand, state: MirrorState): NewEvent<MirrorEvent>[] {
  switch (command.kind) {
    case 'create': {
      if (state.mirrorId !== null && !state.deleted) {
        throw new DomainError(DomainErrorCode.MirrorAlreadyExists, 'this repository already has a mirror; use PUT to change it');
      }
      return [
        {
          type: 'MirrorCreated',
          data: { mirrorId: command.mirrorId, config: command.config, nextSyncAt: command.config.syncStartDate },
        },
      ];
    }
    case 'update': {
      const { mirrorId, config } = existing(state);
      if (sameSettings(config, command.config)) return [];
      const scheduleChanged =
        config.syncStartDate !== command.config.syncStartDate || config.syncInterval !== command.config.syncInterval;
      const nextSyncAt = scheduleChanged ? command.config.syncStartDate : (state.nextSyncAt ?? command.config.syncStartDate);
      return [{ type: 'MirrorUpdated', data: { mirrorId, config: command.config, nextSyncAt } }];
    }
    case 'delete': {
      const { mirrorId } = existing(state);
      return [{ type: 'MirrorDeleted', data: { mirrorId } }];
    }
    case 'request-sync-now': {
      const { mirrorId } = existing(state);
      if (state.run) throw new DomainError(DomainErrorCode.SyncInProgress, 'a sync is already running; cancel it first');
      if (state.status === MirrorStatus.SyncNow) return [];
      return [{ type: 'MirrorSyncNowRequested', data: { mirrorId } }];
    }
    case 'receive-push': {
      const { mirrorId, config } = existing(state);
      // A disabled mirror runs on request only: a push is acknowledged by the hook, not run.
      if (!config.isEnabled) return [];
      const tags = [...new Set(command.tags)].sort();
      if (tags.length === 0) return [];
      return [{ type: 'MirrorPushReceived', data: { mirrorId, hookId: command.hookId, tags, receivedAt: command.now.toISOString() } }];
    }
    case 'cancel': {
      const { mirrorId, config } = existing(state);
      if (state.run) {
        if (state.run.cancelRequested) return [];
        return [{ type: 'MirrorCancelRequested', data: { mirrorId, runId: state.run.runId } }];
      }
      if (state.status === MirrorStatus.SyncNow) {
        const nextSyncAt = nextGridPoint(config.syncStartDate, config.syncInterval, command.now);
        return [{ type: 'MirrorCancelled', data: { mirrorId, runId: null, summary: null, nextSyncAt } }];
      }
      throw new DomainError(DomainErrorCode.NothingToCancel, 'there is no sync running or requested to cancel');
    }
    case 'schedule-run': {
      if (!isDue(state, command.now)) return [];
      const { mirrorId, config } = existing(state);
      const reclaimed = state.run;
      // A sync-now, a retry or a scheduled run copies every tag, the pushed ones with them; only
      // pushes alone make a push run of the pushed tags. A reclaimed run keeps what it was.
      const pushOnly = !reclaimed && state.status !== MirrorStatus.SyncNow && !scheduleDue(state, command.now);
      const trigger =
        reclaimed?.trigger ??
        (state.status === MirrorStatus.SyncNow ? RunTrigger.SyncNow : pushOnly ? RunTrigger.Push : state.retriesRemaining < RETRIES_PER_INTERVAL ? RunTrigger.Retry : RunTrigger.Schedule);
      const pushed = state.pushedTags ?? [];
      const tags = reclaimed ? reclaimed.tags : pushOnly && pushed.length <= MAX_PUSHED_TAGS ? [...pushed] : undefined;
      return [
        {
          type: 'MirrorRunScheduled',
          data: {
            mirrorId,
            runId: reclaimed?.runId ?? command.runId,
            trigger,
            fencingToken: state.lastFencingToken + 1,
            leaseExpiresAt: new Date(command.now.getTime() + command.leaseSeconds * 1000).toISOString(),
            externalReference: config.externalReference,
            ...(tags ? { tags } : {}),
          },
        },
      ];
    }
    case 'start-run': {
      const { mirrorId, config } = existing(state);
      const run = heldRun(state, command.runId, command.fencingToken);
      // The same assignment delivered twice starts once; a new assignment of a started run resumes it.
      if (run.startedWithToken === run.fencingToken) return [];
      if (run.startedWithToken !== null) {
        return [{ type: 'MirrorRunResumed', data: { mirrorId, runId: run.runId, fencingToken: run.fencingToken, worker: command.worker } }];
      }
      return [
        {
          type: 'MirrorStarted',
          data: {
            mirrorId,
            runId: run.runId,
            trigger: run.trigger,
            externalReference: config.externalReference,
            fencingToken: run.fencingToken,
            worker: command.worker,
          },
        },
      ];
    }
    case 'renew-lease': {
      const { mirrorId } = existing(state);
      const run = heldRun(state, command.runId, command.fencingToken);
      // Never earlier than it is: a renewal sent before another but stored after it (NATS away in
      // between) must not shorten the lease the worker counts on.
      const leaseExpiresAt = new Date(Math.max(Date.parse(run.leaseExpiresAt), command.now.getTime() + command.leaseSeconds * 1000)).toISOString();
      return [{ type: 'MirrorLeaseRenewed', data: { mirrorId, runId: run.runId, fencingToken: run.fencingToken, leaseExpiresAt } }];
    }
    case 'release-lease': {
      const { mirrorId } = existing(state);
      const run = heldRun(state, command.runId, command.fencingToken);
      const leaseExpiresAt = command.now.toISOString();
      return [{ type: 'MirrorLeaseReleased', data: { mirrorId, runId: run.runId, fencingToken: run.fencingToken, leaseExpiresAt } }];
    }
    case 'complete-run': {
      const { mirrorId, config } = existing(state);
      const run = heldRun(state, command.runId, command.fencingToken);
      // A push run leaves the schedule where it was (a retry of a failed full run stays due).
      const gridNext = run.tags && state.nextSyncAt ? state.nextSyncAt : nextGridPoint(config.syncStartDate, config.syncInterval, command.now);
      if (command.outcome === RunOutcome.Succeeded) {
        return [{ type: 'MirrorSucceeded', data: { mirrorId, runId: run.runId, summary: command.summary, nextSyncAt: gridNext } }];
      }
      if (command.outcome === RunOutcome.Cancelled) {
        return [{ type: 'MirrorCancelled', data: { mirrorId, runId: run.runId, summary: command.summary, nextSyncAt: gridNext } }];
      }
      const retryable = command.retryable ?? false;
      const retriesRemaining = retryable ? Math.max(0, state.retriesRemaining - 1) : 0;
      const attempt = RETRIES_PER_INTERVAL - retriesRemaining;
      const nextSyncAt = retryable && retriesRemaining > 0 ? retryAt(command.now, attempt, gridNext, command.jitter, command.retryBaseSeconds) : gridNext;
      return [
        {
          type: 'MirrorFailed',
          data: {
            mirrorId,
            runId: run.runId,
            summary: command.summary,
            error: command.error ?? { code: 'UNKNOWN', message: 'the run failed' },
            retryable,
            retriesRemaining,
            consecutiveFailures: state.consecutiveFailures + 1,
            nextSyncAt,
          },
        },
      ];
    }
    default: {
      const never: never = command;
      return never;
    }
  }
}

/** What an ended run tells later runs about the target. */
function afterRun(state: MirrorState, runId: string, summary: RunSummary): Pick<MirrorState, 'lastRunId' | 'lastTargetCheckAt' | 'tagsFirstSeen'> {
  // A push run's results cover its few tags: the last full run's stay the record later runs trust,
  // and checking a few tags is no check of the target.
  if (state.run?.tags) return { lastRunId: state.lastRunId, lastTargetCheckAt: state.lastTargetCheckAt, tagsFirstSeen: foldTagsSeen(state.tagsFirstSeen ?? {}, summary.tagsSeen) };
  return {
    lastRunId: runId,
    lastTargetCheckAt: summary.targetChecked && summary.startedAt ? summary.startedAt : state.lastTargetCheckAt,
    tagsFirstSeen: foldTagsSeen(state.tagsFirstSeen ?? {}, summary.tagsSeen),
  };
}

/**
 * Whether a run must check every tag on the target rather than trust the last run's results:
 * when no full check has happened yet, or the last one began `intervalSeconds` or more ago.
 */
export function targetCheckDue(state: Pick<MirrorState, 'lastTargetCheckAt'>, now: Date, intervalSeconds: number): boolean {
  if (state.lastTargetCheckAt === null) return true;
  return now.getTime() - Date.parse(state.lastTargetCheckAt) >= intervalSeconds * 1000;
}

export function evolveMirror(state: MirrorState, event: MirrorEvent): MirrorState {
  switch (event.type) {
    case 'MirrorCreated':
      return { ...initialMirrorState(), lastFencingToken: state.lastFencingToken, mirrorId: event.data.mirrorId, config: event.data.config, nextSyncAt: event.data.nextSyncAt };
    case 'MirrorUpdated': {
      // Another upstream has other tags: what Ferry saw of the old one says nothing about them.
      const sameUpstream = state.config?.externalReference === event.data.config.externalReference;
      return { ...state, config: event.data.config, nextSyncAt: event.data.nextSyncAt, ...(sameUpstream ? {} : { tagsFirstSeen: {} }) };
    }
    case 'MirrorDeleted':
      return { ...state, deleted: true, run: null };
    case 'MirrorSyncNowRequested':
      return { ...state, status: MirrorStatus.SyncNow };
    case 'MirrorPushReceived': {
      // Past the cap the next run copies every tag: the names need not be kept.
      const pushedTags = [...new Set([...(state.pushedTags ?? []), ...event.data.tags])].sort();
      return { ...state, pushedTags: pushedTags.length > MAX_PUSHED_TAGS ? pushedTags.slice(0, MAX_PUSHED_TAGS + 1) : pushedTags };
    }
    case 'MirrorRunScheduled': {
      const reclaimed = state.run?.runId === event.data.runId;
      return {
        ...state,
        // A new run takes every pushed tag (a full run copies them anyway); a push during a run waits for the next.
        pushedTags: reclaimed ? (state.pushedTags ?? []) : [],
        status: MirrorStatus.Syncing,
        lastFencingToken: event.data.fencingToken,
        run: {
          runId: event.data.runId,
          trigger: event.data.trigger,
          fencingToken: event.data.fencingToken,
          leaseExpiresAt: event.data.leaseExpiresAt,
          startedWithToken: state.run?.runId === event.data.runId ? state.run.startedWithToken : null,
          cancelRequested: state.run?.runId === event.data.runId ? state.run.cancelRequested : false,
          ...(event.data.tags ? { tags: event.data.tags } : {}),
        },
      };
    }
    case 'MirrorLeaseRenewed':
    case 'MirrorLeaseReleased':
      return { ...state, run: state.run && { ...state.run, leaseExpiresAt: event.data.leaseExpiresAt } };
    case 'MirrorStarted':
      return {
        ...state,
        status: state.run?.cancelRequested ? MirrorStatus.Cancel : MirrorStatus.Syncing,
        run: state.run && { ...state.run, startedWithToken: event.data.fencingToken },
      };
    case 'MirrorRunResumed':
      return { ...state, run: state.run && { ...state.run, startedWithToken: event.data.fencingToken } };
    case 'MirrorCancelRequested':
      return { ...state, status: MirrorStatus.Cancel, run: state.run && { ...state.run, cancelRequested: true } };
    case 'MirrorSucceeded':
      return {
        ...state,
        ...afterRun(state, event.data.runId, event.data.summary),
        status: MirrorStatus.Success,
        run: null,
        nextSyncAt: event.data.nextSyncAt,
        retriesRemaining: RETRIES_PER_INTERVAL,
        consecutiveFailures: 0,
      };
    case 'MirrorFailed':
      return {
        ...state,
        ...afterRun(state, event.data.runId, event.data.summary),
        status: MirrorStatus.Fail,
        run: null,
        nextSyncAt: event.data.nextSyncAt,
        retriesRemaining: event.data.retriesRemaining > 0 ? event.data.retriesRemaining : RETRIES_PER_INTERVAL,
        consecutiveFailures: event.data.consecutiveFailures,
      };
    case 'MirrorCancelled':
      return {
        ...state,
        // A cancelled run's results are true as far as they go; it never counts as a full check.
        ...(event.data.runId && !state.run?.tags ? { lastRunId: event.data.runId } : {}),
        // Its listing is as true as any other run's.
        tagsFirstSeen: foldTagsSeen(state.tagsFirstSeen ?? {}, event.data.summary?.tagsSeen),
        status: MirrorStatus.Cancel,
        run: null,
        nextSyncAt: event.data.nextSyncAt,
      };
    default:
      return state;
  }
}

export const mirrorDecider = {
  initialState: initialMirrorState,
  evolve: evolveMirror,
  decide: decideMirror,
};
