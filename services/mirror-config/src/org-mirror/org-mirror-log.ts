import { RunOutcome, RunTrigger, type OrgMirrorEvent } from '@ferry/contracts';

type Sentence<T extends OrgMirrorEvent['type']> = (data: Extract<OrgMirrorEvent, { type: T }>['data']) => string;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const TRIGGER: Record<RunTrigger, string> = { [RunTrigger.Schedule]: 'by its schedule', [RunTrigger.SyncNow]: 'by sync-now', [RunTrigger.Retry]: 'as a retry', [RunTrigger.Push]: 'by an upstream push' };

/** What a discovery found and did, as the end of a sentence. */
function found(summary: Extract<OrgMirrorEvent, { type: 'OrgDiscoveryCompleted' }>['data']['summary']): string {
  const parts = [
    `listed ${plural(summary.listed, 'repository', 'repositories')} on ${plural(summary.pages, 'page')}`,
    `selected ${summary.matched}`,
    `added ${summary.added.length}`,
    ...(summary.vanished.length ? [`${summary.vanished.length} vanished upstream`] : []),
    ...(summary.deleted.length ? [`deleted ${summary.deleted.length}`] : []),
    ...(summary.failed.length ? [`${summary.failed.length} could not be set up`] : []),
  ];
  const refused = summary.deletionRefused ? `; deleting ${summary.deletionRefused.wouldDelete} would pass the cap of ${summary.deletionRefused.allowed}, so none was deleted` : '';
  return `${parts.join(', ')}${refused}`;
}

/** Each organization mirror event in one sentence, for its usage log: a missing one does not compile. */
const SENTENCES: { [T in OrgMirrorEvent['type']]: Sentence<T> } = {
  OrgMirrorCreated: (d) =>
    `The organization mirror of ${d.organization} was created: repositories of ${d.config.externalNamespace || 'the whole registry'} on ${d.config.externalRegistryUrl} (${d.config.externalRegistryType}) are mirrored every ${d.config.syncInterval} s by ${d.config.robotUsername}${d.config.isEnabled ? '' : ', disabled for now'}.`,
  OrgMirrorUpdated: (d) => `The organization mirror of ${d.organization} was changed${d.config.isEnabled ? '' : ' (disabled)'}; its repositories follow the new settings.`,
  OrgMirrorDeleted: (d) =>
    d.deleteRepositories
      ? `The organization mirror of ${d.organization} was deleted, with the repositories it mirrored and their images.`
      : `The organization mirror of ${d.organization} was deleted; the repositories it mirrored stay, no longer mirrored.`,
  OrgMirrorSyncNowRequested: (d) => `A discovery of ${d.organization}'s upstream was requested now (sync-now).`,
  OrgDiscoveryScheduled: (d) => `Discovery ${d.runId} was scheduled ${TRIGGER[d.trigger]}.`,
  OrgDiscoveryStarted: (d) => (d.resumed ? `Discovery ${d.runId} was resumed by ${d.worker} from its last listed page.` : `Discovery ${d.runId} was started by ${d.worker}.`),
  OrgDiscoveryPageListed: (d) =>
    `Discovery ${d.runId} listed page ${d.page}: ${plural(d.listed, 'repository', 'repositories')}, ${d.matched.length} selected, ${d.added.length} new${d.failed.length ? `, ${d.failed.length} could not be set up` : ''}${d.cursor === null ? '; the listing is complete' : ''}.`,
  OrgDiscoveryLeaseRenewed: (d) => `Discovery ${d.runId} kept its lease while a page took long.`,
  OrgDiscoveryLeaseReleased: (d) => `Discovery ${d.runId} was handed back by its stopping worker, to be resumed from its last listed page.`,
  OrgDiscoveryCancelRequested: (d) => (d.runId ? `Cancelling discovery ${d.runId} was requested.` : `The organization mirror of ${d.organization} was cancelled with no discovery running.`),
  OrgDiscoveryCompleted: (d) => {
    if (d.runId === null) return `The requested discovery of ${d.organization}'s upstream was cancelled before it started.`;
    if (d.outcome === RunOutcome.Succeeded) return `Discovery ${d.runId} succeeded: it ${found(d.summary)}.`;
    if (d.outcome === RunOutcome.Cancelled) return `Discovery ${d.runId} was cancelled after it ${found(d.summary)}.`;
    const retry = d.retryable && d.retriesRemaining > 0 ? `; it is retried (${d.retriesRemaining} left)` : '';
    return `Discovery ${d.runId} failed (${d.error?.code ?? 'UNKNOWN'}: ${d.error?.message ?? 'no reason given'}) after it ${found(d.summary)}${retry}.`;
  },
};

/** One organization mirror event, as its usage log says it. */
export function describeOrgMirrorEvent(event: Pick<OrgMirrorEvent, 'type' | 'data'>): string {
  return (SENTENCES[event.type] as (data: unknown) => string)(event.data);
}
