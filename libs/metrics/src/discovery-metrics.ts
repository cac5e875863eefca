import { Counter, Histogram } from 'prom-client';

/*
 * What organization discoveries do, recorded by the sync-worker that runs them, labelled by the
 * organization mirror (its organization: there is one mirror per organization, so the label's
 * values are as many as the organization mirrors configured).
 */

const OUTCOMES = ['succeeded', 'failed', 'cancelled'] as const;
export type DiscoveryOutcomeLabel = (typeof OUTCOMES)[number];

const discoveries = new Counter({
  name: 'ferry_org_discoveries_total',
  help: 'Organization discoveries that ended with a terminal event, by organization mirror and outcome: succeeded, failed or cancelled.',
  labelNames: ['org_mirror', 'outcome'],
  registers: [],
});

const discoveryDuration = new Histogram({
  name: 'ferry_org_discovery_duration_seconds',
  help: 'From a discovery\'s start (or resumption) on a worker to its terminal event, by organization mirror and outcome.',
  labelNames: ['org_mirror', 'outcome'],
  buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
  registers: [],
});

const listed = new Counter({
  name: 'ferry_org_discovery_repositories_listed_total',
  help: 'Upstream repository names the discoveries\' listings showed, before filtering, counted as each page is recorded (a page listed again after a worker crash counts again).',
  labelNames: ['org_mirror'],
  registers: [],
});

const added = new Counter({
  name: 'ferry_org_discovery_repositories_added_total',
  help: 'Repositories the discoveries set up (a target repository and its mirror) for newly found upstream repositories, counted as each page is recorded.',
  labelNames: ['org_mirror'],
  registers: [],
});

const vanished = new Counter({
  name: 'ferry_org_discovery_repositories_vanished_total',
  help: 'Repositories a complete listing no longer showed, counted once per discovery that found them gone (whatever the vanished policy did about them).',
  labelNames: ['org_mirror'],
  registers: [],
});

/** What the sync-worker exposes about discoveries. */
export const DISCOVERY_METRICS = [discoveries, discoveryDuration, listed, added, vanished];

/** One recorded page of a discovery: names listed, repositories set up. */
export function recordDiscoveryPage(orgMirror: string, page: { listed: number; added: number }): void {
  listed.inc({ org_mirror: orgMirror }, page.listed);
  added.inc({ org_mirror: orgMirror }, page.added);
}

/** A discovery's terminal event was stored. */
export function recordDiscoveryFinished(orgMirror: string, discovery: { outcome: DiscoveryOutcomeLabel; durationSeconds: number; vanished: number }): void {
  discoveries.inc({ org_mirror: orgMirror, outcome: discovery.outcome });
  discoveryDuration.observe({ org_mirror: orgMirror, outcome: discovery.outcome }, discovery.durationSeconds);
  vanished.inc({ org_mirror: orgMirror }, discovery.vanished);
}

/** Starts an organization mirror's series at 0, so a dashboard's rate() has one before its first discovery ends. */
export function recordDiscoveryStarted(orgMirror: string): void {
  for (const outcome of OUTCOMES) discoveries.inc({ org_mirror: orgMirror, outcome }, 0);
  for (const counter of [listed, added, vanished]) counter.inc({ org_mirror: orgMirror }, 0);
}
