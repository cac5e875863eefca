import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exposeMetrics, renderMetrics } from './metrics-registry';
import { DISCOVERY_METRICS, recordDiscoveryFinished, recordDiscoveryPage, recordDiscoveryStarted } from './discovery-metrics';

exposeMetrics(DISCOVERY_METRICS);

/** The exposition's value of one series, 0 when absent. */
async function value(series: string): Promise<number> {
  const line = (await renderMetrics()).body.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe("an organization mirror's discoveries in the metrics", () => {
  it('start at 0 for every outcome, so a rate has a series before the first discovery ends', async () => {
    recordDiscoveryStarted('fresh');
    const body = (await renderMetrics()).body;
    for (const outcome of ['succeeded', 'failed', 'cancelled']) assert.ok(body.includes(`ferry_org_discoveries_total{org_mirror="fresh",outcome="${outcome}"} 0`), outcome);
    assert.ok(body.includes('ferry_org_discovery_repositories_vanished_total{org_mirror="fresh"} 0'));
  });

  it('count listed and added repositories page by page, and vanished ones and the outcome at the end, per organization mirror', async () => {
    recordDiscoveryStarted('acme');
    recordDiscoveryPage('acme', { listed: 10, added: 4 });
    recordDiscoveryPage('acme', { listed: 5, added: 0 });
    recordDiscoveryPage('other', { listed: 7, added: 7 });
    recordDiscoveryFinished('acme', { outcome: 'succeeded', durationSeconds: 3, vanished: 2 });
    assert.equal(await value('ferry_org_discovery_repositories_listed_total{org_mirror="acme"}'), 15);
    assert.equal(await value('ferry_org_discovery_repositories_added_total{org_mirror="acme"}'), 4);
    assert.equal(await value('ferry_org_discovery_repositories_vanished_total{org_mirror="acme"}'), 2);
    assert.equal(await value('ferry_org_discoveries_total{org_mirror="acme",outcome="succeeded"}'), 1);
    assert.equal(await value('ferry_org_discovery_duration_seconds_count{org_mirror="acme",outcome="succeeded"}'), 1);
    assert.equal(await value('ferry_org_discovery_repositories_listed_total{org_mirror="other"}'), 7);
  });
});
