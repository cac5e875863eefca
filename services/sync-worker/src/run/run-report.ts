import type { RunSummary } from '@ferry/contracts';
import type { TagResult } from '@ferry/sync-engine';

/** Counts a run's tag results for its terminal event. */
export function summarize(startedAt: string | null, tagsMatched: string[], results: readonly TagResult[], targetChecked: boolean): RunSummary {
  const summary: RunSummary = { startedAt, tagsMatched, tagsCopied: 0, tagsUnchanged: 0, tagsDeleted: 0, tagsFailed: 0, bytesCopied: 0, targetChecked };
  for (const r of results) {
    if (r.kind === 'synced') {
      if (r.unchanged) summary.tagsUnchanged++;
      else summary.tagsCopied++;
      summary.bytesCopied += r.bytesCopied;
    } else if (r.kind === 'deleted') {
      summary.tagsDeleted++;
    } else if (r.kind === 'failed') {
      summary.tagsFailed++;
    }
  }
  return summary;
}
