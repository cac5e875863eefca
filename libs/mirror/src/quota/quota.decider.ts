import { DomainError, DomainErrorCode, mirrorId, QuotaLimitType, type NewEvent, type QuotaEvent } from '@ferry/contracts';
import { admitRun, humanBytes, warningsCrossed, type NamespaceQuota, type QuotaLimit } from './quota-arithmetic';

/**
 * A namespace's quota aggregate: Quay's quota and its limits and, while there is a quota, what
 * Ferry wrote into each of the namespace's repositories (with the bytes runs in flight were let
 * write). Definitions and usage share one subject, so a run's admission and a change of the
 * limits are decided in order. Without a quota nothing is recorded here (the subject stays a few
 * events, and runs append nothing): the namespace's usage for reports is the `repository_usage`
 * read model's, which a new quota takes as its baseline (`usage` of `create-quota`).
 */
export interface QuotaState {
  quota: NamespaceQuota | null;
  /** Quotas and limits are numbered (Quay's ids are integers), from 1, never reused in the namespace. */
  nextId: number;
  /** Repository → bytes Ferry wrote into it, counted from the quota's baseline (empty without a quota). */
  usage: Readonly<Record<string, number>>;
  /** Repository → the bytes its run in flight was let write, counted until that run records its usage (whichever worker holds it then). */
  reserved: Readonly<Record<string, { runId: string; bytes: number }>>;
  /** Repository → the last run (`runKey`) whose usage was recorded: a worker's hold of a run records once. */
  recordedRun: Readonly<Record<string, string>>;
}

export type QuotaCommand =
  /** `usage`: repository → the bytes Ferry has written into it so far (the read model's), where the quota counts from. */
  | { kind: 'create-quota'; namespace: string; limitBytes: number; usage: Readonly<Record<string, number>> }
  | { kind: 'change-quota'; namespace: string; quotaId: number; limitBytes: number }
  | { kind: 'delete-quota'; namespace: string; quotaId: number }
  | { kind: 'create-limit'; namespace: string; quotaId: number; limitType: QuotaLimitType; thresholdPercent: number }
  | { kind: 'change-limit'; namespace: string; quotaId: number; limitId: number; limitType?: QuotaLimitType; thresholdPercent?: number }
  | { kind: 'delete-limit'; namespace: string; quotaId: number; limitId: number }
  /** Before a run writes: let it add `bytes` to `repository`, or refuse it (QUOTA_EXCEEDED). */
  | { kind: 'reserve'; namespace: string; repository: string; runId: string; fencingToken: number; bytes: number }
  /** After a run: what it wrote (recorded under a quota only). */
  | { kind: 'record-usage'; namespace: string; repository: string; runId: string; fencingToken: number; bytes: number };

/** A worker's hold of a run: its id and fencing token (a resumed run is another hold, with what it wrote). */
const runKey = (e: { runId: string; fencingToken: number }) => `${e.runId}#${e.fencingToken}`;

export const initialQuotaState = (): QuotaState => ({ quota: null, nextId: 1, usage: {}, reserved: {}, recordedRun: {} });

/** Bytes the namespace holds: what was written, plus what runs in flight (other than `except`'s) were let write. */
export function heldBytes(state: QuotaState, except?: string): number {
  const written = Object.values(state.usage).reduce((a, b) => a + b, 0);
  const reserved = Object.entries(state.reserved).reduce((sum, [repository, r]) => (repository === except ? sum : sum + r.bytes), 0);
  return written + reserved;
}

/** Bytes Ferry wrote into the namespace (or one repository of it). */
export function usageBytes(state: QuotaState, repository?: string): number {
  if (repository !== undefined) return state.usage[repository] ?? 0;
  return Object.values(state.usage).reduce((a, b) => a + b, 0);
}

function quotaOf(state: QuotaState, quotaId: number): NamespaceQuota {
  if (!state.quota || state.quota.quotaId !== quotaId) throw new DomainError(DomainErrorCode.QuotaNotFound, `no quota ${quotaId}`);
  return state.quota;
}

function limitOf(quota: NamespaceQuota, limitId: number): QuotaLimit {
  const limit = quota.limits.find((l) => l.limitId === limitId);
  if (!limit) throw new DomainError(DomainErrorCode.QuotaLimitNotFound, `no limit ${limitId} of quota ${quota.quotaId}`);
  return limit;
}

/** Quay refuses a limit that repeats another's type and threshold, and (its intent) a second `Reject` limit. */
function assertDistinct(quota: NamespaceQuota, limitType: QuotaLimitType, thresholdPercent: number, except?: number): void {
  const others = quota.limits.filter((l) => l.limitId !== except);
  if (others.some((l) => l.limitType === limitType && l.thresholdPercent === thresholdPercent)) {
    throw new DomainError(DomainErrorCode.QuotaLimitAlreadyExists, 'Quota limit already exists');
  }
  if (limitType === QuotaLimitType.Reject && others.some((l) => l.limitType === QuotaLimitType.Reject)) {
    throw new DomainError(DomainErrorCode.QuotaLimitAlreadyExists, "Only one quota limit of type 'Reject' allowed.");
  }
}

/** The repositories that hold bytes (a baseline of thousands of empty repositories would only lengthen the event). */
function positiveUsage(usage: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(usage).filter(([, bytes]) => bytes > 0));
}

function withoutKey<V>(record: Readonly<Record<string, V>>, key: string): Record<string, V> {
  const { [key]: _gone, ...rest } = record;
  return rest;
}

export function evolveQuota(state: QuotaState, event: QuotaEvent): QuotaState {
  switch (event.type) {
    case 'NamespaceQuotaCreated':
      return {
        ...state,
        quota: { quotaId: event.data.quotaId, limitBytes: event.data.limitBytes, limits: [] },
        nextId: Math.max(state.nextId, event.data.quotaId + 1),
        // An older event has no baseline: the subject's QuotaUsageRecorded events, recorded quota or not then, are the count.
        usage: event.data.usage ? { ...event.data.usage } : state.usage,
      };
    case 'NamespaceQuotaChanged':
      return state.quota ? { ...state, quota: { ...state.quota, limitBytes: event.data.limitBytes } } : state;
    case 'NamespaceQuotaDeleted':
      // Usage is kept for enforcement only; a later quota starts from the read model's count again.
      return { ...state, quota: null, usage: {}, reserved: {}, recordedRun: {} };
    case 'QuotaLimitCreated': {
      if (!state.quota) return state;
      const { limitId, limitType, thresholdPercent } = event.data;
      return { ...state, quota: { ...state.quota, limits: [...state.quota.limits, { limitId, limitType, thresholdPercent }] }, nextId: Math.max(state.nextId, limitId + 1) };
    }
    case 'QuotaLimitChanged': {
      if (!state.quota) return state;
      const { limitId, limitType, thresholdPercent } = event.data;
      return { ...state, quota: { ...state.quota, limits: state.quota.limits.map((l) => (l.limitId === limitId ? { limitId, limitType, thresholdPercent } : l)) } };
    }
    case 'QuotaLimitDeleted':
      return state.quota ? { ...state, quota: { ...state.quota, limits: state.quota.limits.filter((l) => l.limitId !== event.data.limitId) } } : state;
    case 'QuotaBytesReserved': {
      const { repository, runId, bytes } = event.data;
      return { ...state, reserved: { ...state.reserved, [repository]: { runId, bytes } } };
    }
    case 'QuotaUsageRecorded': {
      const { repository, bytes } = event.data;
      const reserved = state.reserved[repository]?.runId === event.data.runId ? withoutKey(state.reserved, repository) : state.reserved;
      return { ...state, usage: { ...state.usage, [repository]: (state.usage[repository] ?? 0) + bytes }, reserved, recordedRun: { ...state.recordedRun, [repository]: runKey(event.data) } };
    }
    case 'QuotaWarningReached':
      return state;
    default: {
      const never: never = event;
      return never;
    }
  }
}

export function decideQuota(command: QuotaCommand, state: QuotaState): NewEvent<QuotaEvent>[] {
  const { namespace } = command;
  switch (command.kind) {
    case 'create-quota':
      if (state.quota) throw new DomainError(DomainErrorCode.QuotaAlreadyExists, `Organization quota for '${namespace}' already exists`);
      return [{ type: 'NamespaceQuotaCreated', data: { namespace, quotaId: state.nextId, limitBytes: command.limitBytes, usage: positiveUsage(command.usage) } }];
    case 'change-quota': {
      const quota = quotaOf(state, command.quotaId);
      if (quota.limitBytes === command.limitBytes) return [];
      return [{ type: 'NamespaceQuotaChanged', data: { namespace, quotaId: quota.quotaId, limitBytes: command.limitBytes } }];
    }
    case 'delete-quota':
      return [{ type: 'NamespaceQuotaDeleted', data: { namespace, quotaId: quotaOf(state, command.quotaId).quotaId } }];
    case 'create-limit': {
      const quota = quotaOf(state, command.quotaId);
      assertDistinct(quota, command.limitType, command.thresholdPercent);
      return [{ type: 'QuotaLimitCreated', data: { namespace, quotaId: quota.quotaId, limitId: state.nextId, limitType: command.limitType, thresholdPercent: command.thresholdPercent } }];
    }
    case 'change-limit': {
      const quota = quotaOf(state, command.quotaId);
      const limit = limitOf(quota, command.limitId);
      const limitType = command.limitType ?? limit.limitType;
      const thresholdPercent = command.thresholdPercent ?? limit.thresholdPercent;
      if (limitType === limit.limitType && thresholdPercent === limit.thresholdPercent) return [];
      assertDistinct(quota, limitType, thresholdPercent, limit.limitId);
      return [{ type: 'QuotaLimitChanged', data: { namespace, quotaId: quota.quotaId, limitId: limit.limitId, limitType, thresholdPercent } }];
    }
    case 'delete-limit': {
      const quota = quotaOf(state, command.quotaId);
      return [{ type: 'QuotaLimitDeleted', data: { namespace, quotaId: quota.quotaId, limitId: limitOf(quota, command.limitId).limitId } }];
    }
    case 'reserve': {
      const { repository, runId, fencingToken, bytes } = command;
      const admission = admitRun(state.quota, heldBytes(state, repository), bytes);
      if (!admission.admitted) {
        throw new DomainError(
          DomainErrorCode.QuotaExceeded,
          `the run would write ${humanBytes(bytes)} (${bytes} bytes) into ${namespace}/${repository}, which holds ${humanBytes(admission.heldBytes)} of its hard (Reject) limit of ${humanBytes(admission.limitBytes)} (${admission.limitBytes} bytes): ${admission.overBy} bytes over, so nothing was written`,
        );
      }
      if (bytes <= 0 || state.quota === null) return [];
      return [{ type: 'QuotaBytesReserved', data: { namespace, repository, mirrorId: mirrorId(namespace, repository), runId, fencingToken, bytes } }];
    }
    case 'record-usage': {
      const { repository, runId, fencingToken, bytes } = command;
      // Without a quota there is nothing to enforce: the read model counts what runs write.
      if (state.quota === null) return [];
      const run = runKey(command);
      if (state.recordedRun[repository] === run) return [];
      // A run that wrote nothing and held no reservation leaves the namespace as it was.
      if (bytes <= 0 && state.reserved[repository]?.runId !== runId) return [];
      const before = usageBytes(state);
      const after = before + Math.max(0, bytes);
      const recorded: NewEvent<QuotaEvent> = { type: 'QuotaUsageRecorded', data: { namespace, repository, mirrorId: mirrorId(namespace, repository), runId, fencingToken, bytes: Math.max(0, bytes), usageBytes: after } };
      const warnings: NewEvent<QuotaEvent>[] = warningsCrossed(state.quota, before, after).map((limit) => ({
        type: 'QuotaWarningReached',
        data: { namespace, repository, mirrorId: mirrorId(namespace, repository), runId, thresholdPercent: limit.thresholdPercent, usageBytes: after, quotaBytes: state.quota!.limitBytes },
      }));
      return [recorded, ...warnings];
    }
    default: {
      const never: never = command;
      return never;
    }
  }
}

export const quotaDecider = { initialState: initialQuotaState, evolve: evolveQuota, decide: decideQuota };
