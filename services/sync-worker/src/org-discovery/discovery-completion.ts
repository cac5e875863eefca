import { Logger } from '@nestjs/common';
import type { DiscoverySummary, OrgDiscoveryCompleted } from '@ferry/contracts';
import { recordDiscoveryFinished } from '@ferry/metrics';
import type { DiscoveryVerdict } from '@ferry/mirror';
import type { HeldDiscovery } from './discovery-pages';

const log = new Logger('sync-worker');

/** The counts a discovery's end is logged with. */
export function summaryLine(summary: DiscoverySummary): string {
  return [
    `${summary.pages} pages`,
    `${summary.listed} listed`,
    `${summary.matched} matched`,
    `${summary.added.length} added`,
    `${summary.vanished.length} vanished`,
    `${summary.deleted.length} deleted`,
    `${summary.failed.length} failed`,
  ].join(', ');
}

/**
 * Ends the discovery with its one terminal event (refused with STALE_RUN if this worker no longer
 * holds it), then counts it in the metrics and logs how it went: at info, or at warn with the
 * error's code when it failed or some repositories could not be set up.
 */
export async function completeDiscovery(held: HeldDiscovery, organization: string, verdict: DiscoveryVerdict, startedAt: number): Promise<void> {
  const { events } = await held.command({ kind: 'complete-discovery', runId: held.runId, fencingToken: held.fencingToken, ...verdict, now: new Date(), jitter: Math.random() });
  const completed = events.find((e): e is typeof e & OrgDiscoveryCompleted => e.type === 'OrgDiscoveryCompleted');
  if (!completed) return;
  const { summary, outcome, error, retryable } = completed.data;
  recordDiscoveryFinished(organization, { outcome, durationSeconds: (Date.now() - startedAt) / 1000, vanished: summary.vanished.length });
  const line = `discovery ${held.runId} of organization mirror ${organization} ${outcome}: ${summaryLine(summary)}`;
  if (error) log.warn(`${line}; ${error.code}: ${error.message}${retryable ? ' (retried)' : ''}`);
  else if (summary.failed.length) log.warn(`${line}; not set up: ${summary.failed.map((f) => `${f.repository} (${f.message})`).join('; ')}`);
  else log.log(line);
}
