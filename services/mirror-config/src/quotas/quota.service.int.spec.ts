import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { aggregateSubject, AggregateKind, DomainErrorCode } from '@ferry/contracts';
import { handleCommand, loadState } from '@ferry/event-store';
import { organizationDecider, userDecider } from '@ferry/identity';
import { quotaDecider } from '@ferry/mirror';
import { createTestDatabase, testEventLogNames, TEST_NATS_URL, type TestDatabase } from '@ferry/testing';
import { openServiceTestBed, refusedField, refusedWith, type ServiceTestBed } from '../service-test-bed';
import { QuotaService } from './quota.service';
import { QuotaUsageQueries } from './quota-usage.queries';

/** Quay's organization quotas over a real log: its shapes and refusals, and the usage the read model counts and a quota starts from. */
describe('the quota service', () => {
  let db: TestDatabase;
  let bed: ServiceTestBed;
  let quotas: QuotaService;
  const subject = () => aggregateSubject(bed.store.prefix, AggregateKind.Quota, 'acme');
  const storedEvents = async () => (await loadState(bed.store, subject(), quotaDecider)).lastSequence;

  before(async () => {
    db = await createTestDatabase();
    bed = await openServiceTestBed({ databaseUrl: db.url, natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    quotas = new QuotaService(bed.commands, new QuotaUsageQueries(bed.dataSource, bed.store, bed.projections));
    await bed.commands.run(AggregateKind.Organization, 'acme', organizationDecider, { kind: 'create', name: 'acme', email: null, creator: { kind: 'user', name: 'alice' } }, bed.causation);
  });

  after(async () => {
    await bed?.close();
    await db?.drop();
  });

  it("creates, reads, changes and deletes a quota and its limits in Quay's shapes", async () => {
    assert.deepEqual(await quotas.list('acme'), []);
    assert.deepEqual(await quotas.create('acme', { limit: '10 MiB' }, bed.causation), { view: 'Created', ignored: [] });
    const [quota] = await quotas.list('acme');
    assert.deepEqual(quota, { id: 1, limit_bytes: 10 * 1024 * 1024, limit: '10.0 MiB', default_config: false, limits: [], default_config_exists: false });
    await assert.rejects(quotas.create('acme', { limit_bytes: 5 }, bed.causation), refusedWith(DomainErrorCode.QuotaAlreadyExists));

    assert.deepEqual(await quotas.createLimit('acme', '1', { type: 'warning', threshold_percent: 80 }, bed.causation), { view: 'Created', ignored: [] });
    await quotas.createLimit('acme', '1', { type: 'Reject', threshold_percent: 100 }, bed.causation);
    assert.deepEqual(await quotas.limits('acme', '1'), [
      { id: 2, type: 'Warning', limit_percent: 80 },
      { id: 3, type: 'Reject', limit_percent: 100 },
    ]);
    await assert.rejects(quotas.createLimit('acme', '1', { type: 'Warning', threshold_percent: 80 }, bed.causation), refusedWith(DomainErrorCode.QuotaLimitAlreadyExists));
    await assert.rejects(quotas.createLimit('acme', '1', { type: 'Reject', threshold_percent: 90 }, bed.causation), refusedWith(DomainErrorCode.QuotaLimitAlreadyExists));

    // Quay answers a changed limit with the whole quota; the same change again stores nothing.
    const changed = await quotas.updateLimit('acme', '1', '2', { threshold_percent: 50 }, bed.causation);
    assert.deepEqual(changed.view.limits[0], { id: 2, type: 'Warning', limit_percent: 50 });
    const before = await storedEvents();
    await quotas.updateLimit('acme', '1', '2', { threshold_percent: 50 }, bed.causation);
    await quotas.update('acme', '1', { limit_bytes: 10 * 1024 * 1024 }, bed.causation);
    await quotas.update('acme', '1', {}, bed.causation);
    assert.equal(await storedEvents(), before);

    assert.equal((await quotas.update('acme', '1', { limit_bytes: 2048 }, bed.causation)).view.limit, '2.0 KiB');
    assert.deepEqual(await quotas.limit('acme', '1', '3'), { id: 3, type: 'Reject', limit_percent: 100 });
    await quotas.deleteLimit('acme', '1', '3', bed.causation);
    await assert.rejects(quotas.limit('acme', '1', '3'), refusedWith(DomainErrorCode.QuotaLimitNotFound));
    await quotas.delete('acme', '1', bed.causation);
    await assert.rejects(quotas.get('acme', '1'), refusedWith(DomainErrorCode.QuotaNotFound));
    await assert.rejects(quotas.delete('acme', '1', bed.causation), refusedWith(DomainErrorCode.QuotaNotFound));
    assert.deepEqual(await quotas.list('acme'), []);
  });

  it('refuses bad input naming the field, and an unknown organization or id, storing nothing', async () => {
    const before = await storedEvents();
    await assert.rejects(quotas.create('acme', {}, bed.causation), refusedField('limit_bytes'));
    await assert.rejects(quotas.create('acme', { limit_bytes: 0 }, bed.causation), refusedField('limit_bytes'));
    await assert.rejects(quotas.create('acme', { limit_bytes: '10' }, bed.causation), refusedField('limit_bytes'));
    await assert.rejects(quotas.create('acme', { limit: 'ten gigs' }, bed.causation), refusedField('limit'));
    await assert.rejects(quotas.create('acme', { limit: '0 GiB' }, bed.causation), refusedField('limit'));
    await assert.rejects(quotas.create('acme', { limit: '1 GiB', limit_bytes: 5 }, bed.causation), refusedField('limit'));
    await assert.rejects(quotas.create('nowhere', { limit_bytes: 5 }, bed.causation), refusedWith(DomainErrorCode.OrganizationNotFound));
    assert.equal(await storedEvents(), before);

    await quotas.create('acme', { limit_bytes: 1000 }, bed.causation);
    const [quota] = await quotas.list('acme');
    const id = String(quota!.id);
    const created = await storedEvents();
    await assert.rejects(quotas.createLimit('acme', id, { type: 'Hard', threshold_percent: 50 }, bed.causation), refusedField('type'));
    await assert.rejects(quotas.createLimit('acme', id, { type: 'Reject', threshold_percent: 0 }, bed.causation), refusedField('threshold_percent'));
    await assert.rejects(quotas.createLimit('acme', id, { type: 'Reject', threshold_percent: 101 }, bed.causation), refusedField('threshold_percent'));
    await assert.rejects(quotas.createLimit('acme', id, { type: 'Reject' }, bed.causation), refusedField('threshold_percent'));
    await assert.rejects(quotas.createLimit('acme', 'abc', { type: 'Reject', threshold_percent: 10 }, bed.causation), refusedWith(DomainErrorCode.QuotaNotFound));
    await assert.rejects(quotas.updateLimit('acme', id, '999', { type: 'Reject' }, bed.causation), refusedWith(DomainErrorCode.QuotaLimitNotFound));
    assert.equal(await storedEvents(), created);
    await quotas.delete('acme', id, bed.causation);
  });

  it("takes a user's namespace where Quay's superuser and user routes do, and only an organization on the organization's routes", async () => {
    await bed.commands.run(AggregateKind.User, 'carol', userDecider, { kind: 'create', username: 'carol', email: null, password: null }, bed.causation);
    await assert.rejects(quotas.create('carol', { limit_bytes: 10 }, bed.causation), refusedWith(DomainErrorCode.OrganizationNotFound));
    await quotas.create('carol', { limit_bytes: 10 }, bed.causation, 'namespace');
    assert.deepEqual((await quotas.list('carol', 'namespace')).map((q) => q.limit_bytes), [10]);
    await assert.rejects(quotas.list('nobody', 'namespace'), refusedWith(DomainErrorCode.OrganizationNotFound));
    await quotas.deleteWithNamespace('carol', bed.causation);
    await quotas.deleteWithNamespace('carol', bed.causation);
    assert.deepEqual(await quotas.list('carol', 'namespace'), []);
  });

  /** A run of `ns/repository` that copied tags of these sizes, its events as a worker records them. */
  async function runWrote(repository: string, ...bytes: number[]): Promise<void> {
    const runId = randomUUID();
    const subject = aggregateSubject(bed.store.prefix, AggregateKind.Run, runId);
    for (const [i, bytesCopied] of bytes.entries()) {
      const data = { mirrorId: `acme/${repository}`, runId, tag: `v${i}`, digest: 'sha256:aa', mediaType: 'application/vnd.oci.image.manifest.v1+json', bytesCopied, unchanged: false };
      await bed.store.append(subject, [{ type: 'MirrorTagSynced', data }], { ...bed.causation, aggregateId: runId });
    }
  }

  it("reports what runs wrote from the read model, per repository and for the organization, quota or not; a new quota counts from it", async () => {
    await runWrote('etcd', 400, 300);
    await runWrote('redis', 300);
    const report = { running_backfill: 'complete', backfill_status: 'complete' };
    // The read model trails the log; a quota's creation waits for it, a report need not (it is asked again below).
    await bed.projections.waitFor(await bed.store.headPosition());
    assert.deepEqual(await quotas.organizationQuotas('acme'), { quotas: [], quota_report: { quota_bytes: 1000, configured_quota: null, ...report } });
    assert.deepEqual(await quotas.repositoryReport('acme', 'etcd'), { quota_bytes: 700, configured_quota: null });

    // A run that ended a moment ago, not yet projected, is in the baseline: creation waits for the read model.
    await runWrote('redis', 50);
    await quotas.create('acme', { limit: '2K' }, bed.causation);
    const created = (await bed.store.read(subject())).events.filter((e) => e.type === 'NamespaceQuotaCreated').at(-1)!.data as { quotaId: number; usage?: unknown };
    assert.deepEqual(created.usage, { etcd: 700, redis: 350 });
    const { state } = await loadState(bed.store, subject(), quotaDecider);
    assert.deepEqual(state.usage, { etcd: 700, redis: 350 });

    // A run under the quota records its bytes on the aggregate; the report reads the read model, which counts them too.
    await handleCommand(bed.store, subject(), 'acme', quotaDecider, { kind: 'record-usage', namespace: 'acme', repository: 'etcd', runId: 'run-9', fencingToken: 1, bytes: 5 }, bed.causation);
    await runWrote('etcd', 5);
    await bed.projections.waitFor(await bed.store.headPosition());
    assert.equal((await loadState(bed.store, subject(), quotaDecider)).state.usage.etcd, 705);
    assert.deepEqual((await quotas.organizationQuotas('acme')).quota_report, { quota_bytes: 1055, configured_quota: 2000, ...report });
    assert.deepEqual(await quotas.repositoryReport('acme', 'etcd'), { quota_bytes: 705, configured_quota: 2000 });
    assert.deepEqual(await quotas.repositoryReport('acme', 'none'), { quota_bytes: 0, configured_quota: 2000 });
    const reports = await quotas.repositoryReports([{ namespace: 'acme', repository: 'redis' }, { namespace: 'other', repository: 'x' }]);
    assert.deepEqual([...reports], [['acme/redis', { quota_bytes: 350, configured_quota: 2000 }], ['other/x', { quota_bytes: 0, configured_quota: null }]]);

    // Deleted, the quota takes its count with it; the report still reads every byte.
    await quotas.delete('acme', String(created.quotaId), bed.causation);
    assert.deepEqual((await loadState(bed.store, subject(), quotaDecider)).state.usage, {});
    assert.deepEqual((await quotas.organizationQuotas('acme')).quota_report, { quota_bytes: 1055, configured_quota: null, ...report });
  });
});
