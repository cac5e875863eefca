import type { RunProgressView } from '@ferry/api-schema';
import type { RunProgress } from '@ferry/run-progress';

// The schemas of these answers are `@ferry/api-schema`'s, which the console and the CLI read too.
export { RUN_DETAIL, RUN_LIST, RUN_PROGRESS_VIEW, RUN_VIEW, TAG_LEDGER, USAGE_LOGS, type RunView, type UsageLogEntry } from '@ferry/api-schema';

/** A running run's live progress: tags done of total, bytes copied of the bytes known to be copied, the rate and an estimate. */
export function progressView(p: RunProgress): RunProgressView {
  return {
    tags_done: p.tagsDone,
    tags_total: p.tagsTotal,
    bytes_copied: p.bytesCopied,
    bytes_total: p.bytesTotal,
    bytes_per_second: p.bytesPerSecond,
    eta_seconds: p.etaSeconds,
    updated_at: p.updatedAt,
  };
}
