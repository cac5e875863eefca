import type { Progress } from '../types';

/** How far a run has come, 0 to 100: by bytes once the run knows what it must copy, else by tags. */
export function percentDone(p: Progress, finished: boolean): number {
  if (finished) return 100;
  const byBytes = p.bytes_total > 0 ? p.bytes_copied / p.bytes_total : null;
  const byTags = p.tags_total > 0 ? p.tags_done / p.tags_total : 0;
  // Bytes grow as manifests are read: the tags count keeps the bar from reaching the end early.
  const share = byBytes === null ? byTags : Math.min(byBytes, p.tags_done === p.tags_total ? 1 : Math.max(byTags, 0.99 * byBytes));
  return Math.max(0, Math.min(100, Math.round(share * 100)));
}

