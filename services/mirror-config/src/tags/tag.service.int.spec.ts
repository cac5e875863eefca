import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { aggregateSubject, AggregateKind, type NewEvent } from '@ferry/contracts';
import { RepositoryRow } from '@ferry/read-models';
import { createTestDatabase, testEventLogNames, TEST_NATS_URL, type TestDatabase } from '@ferry/testing';
import { NotFoundError } from '../http/problem';
import { openServiceTestBed, refusedField, type ServiceTestBed } from '../service-test-bed';
import { TagQueries } from './tag-queries';
import { TagService } from './tag.service';

const A = 'sha256:' + 'a'.repeat(64);
const B = 'sha256:' + 'b'.repeat(64);
const INDEX = 'sha256:' + 'c'.repeat(64);
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const TARGET = { namespace: 'acme', repository: 'app' };

/** Quay's tag list over the read models the runs' tag events build, through the tag service. */
describe('the tag service over the tags, tag_history and run_tags read models', () => {
  let db: TestDatabase;
  let bed: ServiceTestBed;
  let tags: TagService;

  /** One run of acme/app (its row as the runs projection makes it) and its tag events. */
  async function runTags(events: Array<{ type: 'MirrorTagSynced' | 'MirrorTagDeleted'; data: Record<string, unknown> }>): Promise<void> {
    const runId = randomUUID();
    await bed.dataSource.query(
      `INSERT INTO runs (run_id, mirror_id, trigger, status, attempts, scheduled_at, correlation_id) VALUES ($1, 'acme/app', 'sync_now', 'succeeded', 1, now(), 'corr')`,
      [runId],
    );
    await bed.store.append(
      aggregateSubject(bed.store.prefix, AggregateKind.Run, runId),
      events.map((e) => ({ type: e.type, data: { mirrorId: 'acme/app', runId, ...e.data } }) as NewEvent),
      { ...bed.causation, aggregateId: runId },
    );
    await bed.projections.catchUp();
  }

  before(async () => {
    db = await createTestDatabase();
    bed = await openServiceTestBed({ databaseUrl: db.url, natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    tags = new TagService(new TagQueries(bed.dataSource));
    await bed.dataSource.getRepository(RepositoryRow).insert({ namespace: 'acme', name: 'app', description: '', visibility: 'private', state: 'MIRROR', createdAt: new Date() });
  });

  after(async () => {
    await bed?.close();
    await db?.drop();
  });

  it('answers an empty first page for a repository Ferry wrote nothing to, and 404 for none', async () => {
    assert.deepEqual(await tags.list(TARGET, {}), { tags: [], page: 1, has_additional: false });
    await assert.rejects(tags.list({ namespace: 'acme', repository: 'nothing' }, {}), NotFoundError);
  });

  it('shows what runs wrote: active tags with digests and sizes, a moved tag\'s and a removed tag\'s ended lifetimes', async () => {
    await runTags([
      { type: 'MirrorTagSynced', data: { tag: 'v1', digest: A, mediaType: MANIFEST, bytesCopied: 3000, unchanged: false } },
      { type: 'MirrorTagSynced', data: { tag: 'multi', digest: INDEX, mediaType: 'application/vnd.oci.image.index.v1+json', bytesCopied: 5000, unchanged: false } },
      { type: 'MirrorTagSynced', data: { tag: 'old', digest: A, mediaType: MANIFEST, bytesCopied: 0, unchanged: false } },
    ]);
    await runTags([
      { type: 'MirrorTagSynced', data: { tag: 'v1', digest: B, mediaType: MANIFEST, bytesCopied: 700, unchanged: false } },
      { type: 'MirrorTagSynced', data: { tag: 'multi', digest: INDEX, mediaType: 'application/vnd.oci.image.index.v1+json', bytesCopied: 0, unchanged: true } },
      { type: 'MirrorTagDeleted', data: { tag: 'old', digest: A } },
    ]);
    const active = await tags.list(TARGET, { onlyActiveTags: 'true' });
    assert.deepEqual(
      active.tags.map((t) => [t.name, t.manifest_digest, t.size, t.is_manifest_list, t.end_ts]).sort(),
      [
        ['multi', INDEX, 5000, true, undefined],
        ['v1', B, 700, false, undefined],
      ],
    );
    const all = await tags.list(TARGET, {});
    assert.equal(all.tags.length, 4);
    const v1 = all.tags.filter((t) => t.name === 'v1');
    assert.deepEqual(v1.map((t) => [t.manifest_digest, t.size]), [[B, 700], [A, 3000]], 'newest first; a digest\'s size is what its first copy wrote');
    assert.equal(v1[1]!.end_ts, v1[0]!.start_ts);
    const [old] = all.tags.filter((t) => t.name === 'old');
    assert.ok(old!.end_ts !== undefined && old!.expiration !== undefined, 'the removed tag ended');
    assert.deepEqual((await tags.activeTags(TARGET)).v1, { name: 'v1', manifest_digest: B, size: 700, last_modified: v1[0]!.last_modified });
  });

  it("reads Quay's query: truthy onlyActiveTags, clamped page and limit, a filter_tag_name it understands", async () => {
    assert.equal((await tags.list(TARGET, { onlyActiveTags: 'false' })).tags.length, 4);
    assert.equal((await tags.list(TARGET, { onlyActiveTags: '1' })).tags.length, 2);
    const first = await tags.list(TARGET, { limit: '0', page: '-3' });
    assert.deepEqual([first.page, first.tags.length, first.has_additional], [1, 1, true]);
    assert.deepEqual((await tags.list(TARGET, { filter_tag_name: 'eq:old' })).tags.map((t) => t.name), ['old']);
    await assert.rejects(tags.list(TARGET, { filter_tag_name: 'old' }), refusedField('filter_tag_name'));
    await assert.rejects(tags.list(TARGET, { limit: 'ten' }), refusedField('limit'));
  });

  it('shows an active tag\'s trust-policy check, and the check a changed policy failed for a tag left in place', async () => {
    const TRUSTED = { namespace: 'acme', repository: 'signed' };
    await bed.dataSource.getRepository(RepositoryRow).insert({ namespace: 'acme', name: 'signed', description: '', visibility: 'private', state: 'MIRROR', createdAt: new Date() });
    const runId = randomUUID();
    await bed.dataSource.query(`INSERT INTO runs (run_id, mirror_id, trigger, status, attempts, scheduled_at, correlation_id) VALUES ($1, 'acme/signed', 'sync_now', 'succeeded', 1, now(), 'corr')`, [runId]);
    const verified = { outcome: 'verified', policyVersion: 'v-one', digest: A, signers: [{ kind: 'key', name: 'release', fingerprint: 'sha256:f' }], signatureDigests: ['sha256:s'], tlogEntries: [] };
    const refused = { ...verified, outcome: 'SIGNER_NOT_TRUSTED', policyVersion: 'v-two', signers: [], signatureDigests: [], detail: 'verifies under none of the trusted keys (successor)' };
    await bed.store.append(
      aggregateSubject(bed.store.prefix, AggregateKind.Run, runId),
      [
        { type: 'MirrorTagSynced', data: { mirrorId: 'acme/signed', runId, tag: 'v1', digest: A, mediaType: MANIFEST, bytesCopied: 10, unchanged: false, verification: verified } },
        { type: 'MirrorTagSynced', data: { mirrorId: 'acme/signed', runId, tag: 'v2', digest: B, mediaType: MANIFEST, bytesCopied: 10, unchanged: false, verification: verified } },
        { type: 'MirrorTagFailed', data: { mirrorId: 'acme/signed', runId, tag: 'v2', error: { code: 'SIGNER_NOT_TRUSTED', message: 'x' }, retryable: false, verification: refused } },
      ] as NewEvent[],
      { ...bed.causation, aggregateId: runId },
    );
    await bed.projections.catchUp();
    const listed = (await tags.list(TRUSTED, { onlyActiveTags: 'true' })).tags;
    const v1 = listed.find((t) => t.name === 'v1');
    assert.equal(v1?.verification?.outcome, 'verified');
    assert.deepEqual(v1?.verification?.signers, [{ kind: 'key', name: 'release', fingerprint: 'sha256:f' }]);
    const v2 = listed.find((t) => t.name === 'v2');
    assert.equal(v2?.verification?.outcome, 'SIGNER_NOT_TRUSTED');
    assert.equal(v2?.verification?.policy_version, 'v-two');
    assert.equal(v2?.manifest_digest, B, 'left in place');
  });
});
