import { Label } from '@patternfly/react-core';
import type { MirrorSummary, Run } from '../types';

type Color = 'green' | 'red' | 'blue' | 'orange' | 'grey' | 'purple';

const MIRROR_COLORS: Record<string, Color> = { SUCCESS: 'green', FAIL: 'red', SYNCING: 'blue', SYNC_NOW: 'blue', CANCEL: 'orange', NEVER_RUN: 'grey' };
const RUN_COLORS: Record<Run['status'], Color> = { succeeded: 'green', failed: 'red', running: 'blue', scheduled: 'purple', cancelled: 'orange' };

/** A mirror's sync status (Quay's words), in colour; a disabled mirror says so. */
export function MirrorStatusLabel({ status, enabled = true }: { status: string; enabled?: boolean }) {
  if (!enabled) return <Label color="grey">DISABLED</Label>;
  return <Label color={MIRROR_COLORS[status] ?? 'grey'}>{status}</Label>;
}

export function RunStatusLabel({ status }: { status: Run['status'] }) {
  return <Label color={RUN_COLORS[status] ?? 'grey'}>{status}</Label>;
}

/** What a glance at a mirror should tell first: failing, stale, syncing, fine. */
export function healthRank(mirror: MirrorSummary | null): number {
  if (!mirror) return 5;
  if (mirror.failing) return 0;
  if (mirror.stale) return 1;
  if (mirror.sync_status === 'SYNCING' || mirror.sync_status === 'SYNC_NOW') return 2;
  if (mirror.sync_status === 'NEVER_RUN') return 3;
  return 4;
}
