import { MirrorStatus } from '@ferry/contracts';

/**
 * A mirror counts as stale when it has had no successful run for this many of its intervals. The
 * alert rule `FerryMirrorStale` (deploy/prometheus/alerts.yml) says the same in PromQL.
 */
export const STALE_AFTER_INTERVALS = 2;

/** What a mirror's health is judged from. */
export interface MirrorHealthFacts {
  enabled: boolean;
  status: MirrorStatus;
  syncIntervalSeconds: number;
  /** When the last successful run ended; null when none has. */
  lastSuccessAt: Date | null;
  createdAt: Date;
}

export interface MirrorHealthVerdict {
  /** Since the last success ended, or since the mirror was created when none has. */
  lastSuccessAgeSeconds: number;
  /** Enabled, and no success within {@link STALE_AFTER_INTERVALS} intervals. A disabled mirror is not expected to sync. */
  stale: boolean;
  /** Its last run failed. */
  failing: boolean;
}

export function mirrorHealth(facts: MirrorHealthFacts, now: Date): MirrorHealthVerdict {
  const since = facts.lastSuccessAt ?? facts.createdAt;
  const lastSuccessAgeSeconds = Math.max(0, (now.getTime() - since.getTime()) / 1000);
  return {
    lastSuccessAgeSeconds,
    stale: facts.enabled && lastSuccessAgeSeconds > STALE_AFTER_INTERVALS * facts.syncIntervalSeconds,
    failing: facts.status === MirrorStatus.Fail,
  };
}
