import { Gauge } from 'prom-client';
import { sharedRead } from './metrics-registry';

/** One organization mirror's repositories at scrape time, from the API's read models. */
export interface OrgMirrorSample {
  organization: string;
  /** Repositories its discoveries found (and did not delete), vanished ones included. */
  discovered: number;
  /** Those whose mirror is running now. */
  syncing: number;
  /** Those whose last run failed. */
  failing: number;
}

/** The read every gauge below shows, shared by one scrape (set by {@link observeOrgMirrors}). */
let snapshot: () => Promise<readonly OrgMirrorSample[] | null> = async () => null;

/** A gauge's `collect`: one series per organization mirror; none when the read failed (not a 0 that would read as "none failing"). */
function perOrganization(pick: (s: OrgMirrorSample) => number) {
  return async function collect(this: Gauge): Promise<void> {
    const samples = await snapshot();
    this.reset();
    for (const s of samples ?? []) this.set({ organization: s.organization }, pick(s));
  };
}

const discovered = new Gauge({
  name: 'ferry_org_mirror_repositories_discovered',
  help: 'Per organization mirror: repositories its discoveries found and did not delete (those gone upstream included).',
  labelNames: ['organization'],
  registers: [],
  collect: perOrganization((s) => s.discovered),
});
const syncing = new Gauge({
  name: 'ferry_org_mirror_repositories_syncing',
  help: 'Per organization mirror: its repositories whose mirror is running now (SYNCING).',
  labelNames: ['organization'],
  registers: [],
  collect: perOrganization((s) => s.syncing),
});
const failing = new Gauge({
  name: 'ferry_org_mirror_repositories_failing',
  help: 'Per organization mirror: its repositories whose last run failed (FAIL).',
  labelNames: ['organization'],
  registers: [],
  collect: perOrganization((s) => s.failing),
});

/** What mirror-config exposes per organization mirror, read from the read models at each scrape. */
export const ORG_MIRROR_METRICS = [discovered, syncing, failing];

/** Has each scrape show the organization mirrors `read` returns (one read per scrape); a read that fails or hangs shows none. */
export function observeOrgMirrors(read: () => Promise<readonly OrgMirrorSample[]>): void {
  snapshot = sharedRead(read);
}
