import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exposeMetrics, renderMetrics } from './metrics-registry';
import { observeOrgMirrors, ORG_MIRROR_METRICS } from './org-mirror-metrics';

exposeMetrics(ORG_MIRROR_METRICS);

describe('the organization mirror gauges', () => {
  it('show each organization mirror\'s discovered, syncing and failing repositories as read at the scrape', async () => {
    observeOrgMirrors(async () => [
      { organization: 'acme', discovered: 30, syncing: 2, failing: 1 },
      { organization: 'empty', discovered: 0, syncing: 0, failing: 0 },
    ]);
    const text = (await renderMetrics()).body;
    assert.match(text, /^ferry_org_mirror_repositories_discovered\{organization="acme"\} 30$/m);
    assert.match(text, /^ferry_org_mirror_repositories_syncing\{organization="acme"\} 2$/m);
    assert.match(text, /^ferry_org_mirror_repositories_failing\{organization="acme"\} 1$/m);
    assert.match(text, /^ferry_org_mirror_repositories_discovered\{organization="empty"\} 0$/m);
  });

  it('show no series when the read fails, rather than zeros', async () => {
    observeOrgMirrors(async () => {
      throw new Error('Postgres is away');
    });
    const text = (await renderMetrics()).body;
    assert.doesNotMatch(text, /^ferry_org_mirror_repositories_\w+\{/m);
  });
});
