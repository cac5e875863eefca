import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateSubject, AggregateKind, DomainErrorCode } from '@ferry/contracts';
import { handleCommand, loadState } from '@ferry/event-store';
import { organizationDecider, userDecider } from '@ferry/identity';
import { quotaDecider } from '@ferry/mirror';
import { createTestDatabase, testEventLogNames, TEST_NATS_URL, type TestDatabase } from '@ferry/testing';
import { openServiceTestBed, refusedField, refusedWith, type ServiceTestBed } from '../service-test-bed';
import { QuotaService } from './quota.service';

/** Quay's organization quotas over a real log: its shapes and refusals, and the usage runs record on the same aggregate. */
describe('the quota service', () => {
  let db: TestDatabase;
  let bed: ServiceTestBed;
  let quotas: QuotaService;
  const subject = () => aggregateSubject(bed.store.prefix, AggregateKind.Quota, 'acme');
  const storedEvents = async () => (await loadState(bed.store, subject(), quotaDecider)).lastSequence;

  before(async () => {
    db = await createTestDatabase();
    bed = await openServiceTestBed({ databaseUrl: db.url, natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    quotas = new QuotaService(bed.commands);
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

  it("reports what runs wrote, per repository and for the organization, in Quay's quota_report; a quota is not needed to count", async () => {
    const record = (repository: string, runId: string, bytes: number) =>
      handleCommand(bed.store, subject(), 'acme', quotaDecider, { kind: 'record-usage', namespace: 'acme', repository, runId, fencingToken: 1, bytes }, bed.causation);
    await record('etcd', 'run-1', 700);
    await record('etcd', 'run-1', 700);
    await record('redis', 'run-2', 300);
    assert.deepEqual(await quotas.organizationQuotas('acme'), { quotas: [], quota_report: { quota_bytes: 1000, configured_quota: null, running_backfill: 'complete', backfill_status: 'complete' } });
    await quotas.create('acme', { limit: '2K' }, bed.causation);
    assert.deepEqual(await quotas.repositoryReport('acme', 'etcd'), { quota_bytes: 700, configured_quota: 2000 });
    assert.deepEqual(await quotas.repositoryReport('acme', 'none'), { quota_bytes: 0, configured_quota: 2000 });
    const reports = await quotas.repositoryReports([{ namespace: 'acme', repository: 'redis' }, { namespace: 'other', repository: 'x' }]);
    assert.deepEqual([...reports], [['acme/redis', { quota_bytes: 300, configured_quota: 2000 }], ['other/x', { quota_bytes: 0, configured_quota: null }]]);
  });
});
