import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { globTagRule, type OrgMirrorEvent } from '@ferry/contracts';
import { initialOrgMirrorState } from '@ferry/mirror';
import { OrgMirrorRow } from '@ferry/read-models';
import { describeOrgMirrorEvent } from './org-mirror-log';
import { ORG_MIRROR_REPOSITORIES, ORG_MIRROR_VIEW, orgMirrorRepositoriesView, orgMirrorView, ORG_REPOSITORY_STATUSES, type DiscoveredRepositoryFacts, type RepositoryStatusCounts } from './org-mirror.view';

const row = (over: Partial<OrgMirrorRow> = {}): OrgMirrorRow =>
  Object.assign(new OrgMirrorRow(), {
    organization: 'acme',
    isEnabled: true,
    externalRegistryType: 'harbor',
    externalRegistryUrl: 'https://harbor.example.com',
    externalListingUrl: null,
    externalNamespace: 'my-project',
    externalRegistryUsername: 'puller',
    hasPassword: true,
    robotUsername: 'acme+mirrorbot',
    visibility: 'private',
    syncInterval: 3600,
    syncStartDate: new Date('2025-01-01T00:00:00Z'),
    nextSyncAt: new Date('2026-01-01T05:00:00.123Z'),
    externalRegistryConfig: { verifyTls: true, unsignedImages: false, proxy: { httpProxy: null, httpsProxy: 'http://proxy:3128', noProxy: null } },
    repositoryFilters: ['app*'],
    include: [{ kind: 'glob', pattern: 'a*' }],
    exclude: [],
    repositoryNameTemplate: '{repository}',
    tagRule: globTagRule(['v*']),
    architectureFilter: ['amd64'],
    skopeoTimeout: 300,
    vanished: { action: 'delete', maxDelete: { percent: 10 } },
    syncStatus: 'SUCCESS',
    syncExpirationDate: null,
    syncRetriesRemaining: 3,
    currentDiscoveryId: null,
    lastDiscoveryId: 'd1',
    lastDiscoveryAt: new Date('2026-01-01T04:00:10Z'),
    lastOutcome: 'succeeded',
    lastErrorCode: null,
    lastErrorMessage: null,
    lastSummary: { startedAt: null, pages: 2, listed: 40, matched: 30, added: ['a', 'b'], vanished: ['c'], deleted: ['c'], failed: [{ repository: 'd', message: 'boom' }] },
    createdAt: new Date('2025-12-01T00:00:00Z'),
    updatedAt: new Date('2026-01-01T04:00:10Z'),
    state: initialOrgMirrorState(),
    ...over,
  });
const counts = Object.fromEntries(ORG_REPOSITORY_STATUSES.map((s) => [s, 0])) as RepositoryStatusCounts;

describe('the organization mirror view', () => {
  it('answers Quay\'s fields, the next discovery as sync_start_date, and never the password', () => {
    const view = orgMirrorView(row(), { ...counts, SUCCESS: 29, SKIP: 1 });
    assert.ok(ORG_MIRROR_VIEW.safeParse(view).success);
    assert.equal(view.sync_start_date, '2026-01-01T05:00:00Z');
    assert.equal(view.creation_date, '2025-12-01T00:00:00Z');
    assert.equal(view.has_external_registry_password, true);
    assert.equal(view.external_registry_type, 'harbor');
    assert.deepEqual(view.repo_sync_status_counts, { CANCEL: 0, FAIL: 0, NEVER_RUN: 0, SUCCESS: 29, SYNCING: 0, SYNC_NOW: 0, SKIP: 1 });
    assert.deepEqual(view.external_registry_config.proxy, { http_proxy: null, https_proxy: 'http://proxy:3128', no_proxy: null });
    assert.equal('external_registry_password' in view, false);
  });

  it('shows Ferry\'s fields as a repository mirror shows them: the tag rule, the cap as a count or "N%", the last discovery in counts', () => {
    const view = orgMirrorView(row(), counts);
    assert.deepEqual(view.tag_rule, { include: [{ kind: 'glob', patterns: ['v*'] }], exclude: [], keep_newest: null });
    assert.deepEqual(view.vanished, { action: 'delete', max_delete: '10%' });
    assert.deepEqual(orgMirrorView(row({ vanished: { action: 'report', maxDelete: null } }), counts).vanished, { action: 'report', max_delete: null });
    assert.deepEqual(view.last_discovery, {
      discovery_id: 'd1',
      finished_at: '2026-01-01T04:00:10.000Z',
      outcome: 'succeeded',
      error: null,
      pages: 2,
      listed: 40,
      matched: 30,
      added: 2,
      vanished: 1,
      deleted: 1,
      failed: [{ repository: 'd', message: 'boom' }],
      deletion_refused: null,
    });
    assert.equal(orgMirrorView(row({ lastDiscoveryId: null, lastSummary: null }), counts).last_discovery, null);
  });
});

describe('the discovered repositories view', () => {
  const facts = (over: Partial<DiscoveredRepositoryFacts>): DiscoveredRepositoryFacts => ({
    organization: 'acme',
    repository: 'app',
    upstream: 'team/app',
    discoveredAt: new Date('2026-01-01T00:00:00Z'),
    vanishedAt: null,
    status: 'SUCCESS',
    lastSyncAt: new Date('2026-01-01T01:00:00Z'),
    lastError: null,
    repositoryExists: true,
    ...over,
  });

  it('answers Quay\'s fields and paging: has_next while more follow', () => {
    const view = orgMirrorRepositoriesView([facts({})], { page: 1, limit: 1, total: 2 });
    assert.ok(ORG_MIRROR_REPOSITORIES.safeParse(view).success);
    assert.deepEqual(view, {
      repositories: [
        {
          name: 'app',
          sync_status: 'SUCCESS',
          discovery_date: '2026-01-01T00:00:00Z',
          last_sync_date: '2026-01-01T01:00:00Z',
          status_message: null,
          quay_repository: 'acme/app',
          upstream_repository: 'team/app',
          vanished_date: null,
        },
      ],
      page: 1,
      limit: 1,
      total: 2,
      has_next: true,
    });
    assert.equal(orgMirrorRepositoriesView([], { page: 2, limit: 1, total: 2 }).has_next, false);
  });

  it('says why a repository is skipped or failing, and has no quay_repository before the repository exists', () => {
    const [skipped, failing, pending] = orgMirrorRepositoriesView(
      [facts({ status: 'SKIP', vanishedAt: new Date('2026-01-02T00:00:00Z') }), facts({ status: 'FAIL', lastError: 'upstream answered 401' }), facts({ status: 'NEVER_RUN', repositoryExists: false, lastSyncAt: null })],
      { page: 1, limit: 100, total: 3 },
    ).repositories;
    assert.equal(skipped!.status_message, 'no longer listed upstream');
    assert.equal(skipped!.vanished_date, '2026-01-02T00:00:00Z');
    assert.equal(failing!.status_message, 'upstream answered 401');
    assert.equal(pending!.quay_repository, null);
    assert.equal(pending!.last_sync_date, null);
  });
});

describe('the organization mirror\'s usage log', () => {
  const config = { externalNamespace: 'my-project', externalRegistryUrl: 'https://harbor.example.com', externalRegistryType: 'harbor', syncInterval: 3600, robotUsername: 'acme+mirrorbot', isEnabled: true };
  const summary = { startedAt: null, pages: 2, listed: 40, matched: 30, added: ['a', 'b'], vanished: ['c'], deleted: [], failed: [] };
  const events = [
    { type: 'OrgMirrorCreated', data: { organization: 'acme', config, nextSyncAt: '' } },
    { type: 'OrgMirrorUpdated', data: { organization: 'acme', config, nextSyncAt: '' } },
    { type: 'OrgMirrorDeleted', data: { organization: 'acme', deleteRepositories: true } },
    { type: 'OrgMirrorSyncNowRequested', data: { organization: 'acme' } },
    { type: 'OrgDiscoveryScheduled', data: { organization: 'acme', runId: 'd1', trigger: 'sync_now', fencingToken: 1, leaseExpiresAt: '' } },
    { type: 'OrgDiscoveryStarted', data: { organization: 'acme', runId: 'd1', trigger: 'sync_now', fencingToken: 1, worker: 'w/1', resumed: true, leaseExpiresAt: '' } },
    { type: 'OrgDiscoveryPageListed', data: { organization: 'acme', runId: 'd1', fencingToken: 1, page: 2, cursor: null, listed: 20, matched: [{ repository: 'a', upstream: 'a' }], added: [], failed: [], leaseExpiresAt: '' } },
    { type: 'OrgDiscoveryCancelRequested', data: { organization: 'acme', runId: null } },
    { type: 'OrgDiscoveryCompleted', data: { organization: 'acme', runId: 'd1', outcome: 'failed', summary, error: { code: 'UNAUTHORIZED', message: 'no' }, retryable: true, retriesRemaining: 2, nextSyncAt: '' } },
  ] as unknown as OrgMirrorEvent[];

  it('tells each event in one sentence', () => {
    const sentences = events.map((e) => describeOrgMirrorEvent(e));
    for (const s of sentences) assert.match(s, /^[A-Z][^\n]*\.$/, s);
    assert.equal(new Set(sentences).size, sentences.length);
    assert.equal(sentences[5], 'Discovery d1 was resumed by w/1 from its last listed page.');
    assert.equal(sentences[6], 'Discovery d1 listed page 2: 20 repositories, 1 selected, 0 new; the listing is complete.');
    assert.equal(
      sentences[8],
      'Discovery d1 failed (UNAUTHORIZED: no) after it listed 40 repositories on 2 pages, selected 30, added 2, 1 vanished upstream; it is retried (2 left).',
    );
    assert.match(sentences[2]!, /with the repositories it mirrored and their images/);
  });
});
