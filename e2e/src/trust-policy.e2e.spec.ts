import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  createTestDatabase,
  generateSigningKey,
  manifestDigest,
  pushImage,
  startRegistry,
  tagDigests,
  testEventLogNames,
  writeCosignSignatures,
  type RunningRegistry,
  type TestDatabase,
} from '@ferry/testing';
import { apiClient, createOrganizationWithRobot, onDemandMirrorBody, syncNowAndWait } from './api-client';
import { destroyEventLog } from './event-log';
import { grpcCall, mirrorClient } from './grpc-client';
import { startFerry, testDeploymentEnv, type FerryProcesses } from './ferry-processes';

const MIRROR = '/repository/trusted/app/mirror';

/**
 * Through the four services: a `verify` mirror publishes only the tags its key signed, records the
 * signer on each, keeps the others under their digest when asked to quarantine, and re-verifies
 * what it published when its key changes.
 */
describe('a mirror that verifies cosign signatures, through the four services', () => {
  const names = testEventLogNames();
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  let db: TestDatabase;
  let ferry: FerryProcesses;
  const api = apiClient(() => ferry);
  const release = generateSigningKey('ecdsa-p256');
  const successor = generateSigningKey('ed25519');
  const digests: Record<string, string> = {};

  before(async () => {
    [upstream, target, db] = await Promise.all([startRegistry(), startRegistry(), createTestDatabase()]);
    const image = async (tag: string) => (digests[tag] = (await pushImage(upstream, 'lib/app', tag, { mediaType: 'oci', layers: [{ seed: `trusted-${tag}`, size: 1500 }] })).digest);
    await writeCosignSignatures(upstream, 'lib/app', await image('v1'), [release]);
    await writeCosignSignatures(upstream, 'lib/app', await image('v2'), [release]);
    await image('v3');
    await writeCosignSignatures(upstream, 'lib/app', await image('v4'), [successor]);
    ferry = await startFerry(testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: target.url }));
    await createOrganizationWithRobot(api, 'trusted');
  });

  after(async () => {
    await ferry?.stopAll();
    await destroyEventLog(names);
    await Promise.all([upstream?.stop(), target?.stop()]);
    await db?.drop();
  });

  it('refuses a policy it cannot use, naming the field, and creates nothing', async () => {
    const body = (trust_policy: unknown) => onDemandMirrorBody(`${upstream.host}/lib/app`, 'trusted+syncer', ['v*'], { signature_policy: 'verify', trust_policy });
    const badKey = await api('POST', MIRROR, body({ keys: [{ pem: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' }] }));
    assert.equal(badKey.status, 400, JSON.stringify(badKey.json));
    assert.match(JSON.stringify(badKey.json), /trust_policy\.keys\[0\]\.pem/);
    const badRegex = await api('POST', MIRROR, body({ identities: [{ issuer: 'https://issuer.test', subject_regexp: '([' }], trusted_root: '{"certificateAuthorities": []}' }));
    assert.equal(badRegex.status, 400);
    assert.match(JSON.stringify(badRegex.json), /trust_policy\.identities\[0\]\.subject_regexp/);
    assert.equal((await api('POST', MIRROR, body(undefined))).status, 400, 'verify needs a trust policy');
    assert.equal((await api('GET', MIRROR)).status, 404);
  });

  it('previews which tags would fail, then publishes only the signed ones, records the signer and quarantines the rest', async () => {
    const created = await api('POST', MIRROR, onDemandMirrorBody(`${upstream.host}/lib/app`, 'trusted+syncer', ['v*'], { signature_policy: 'verify', trust_policy: { keys: [{ name: 'release', pem: release.publicPem }], quarantine: true } }));
    assert.equal(created.status, 201, JSON.stringify(created.json));
    assert.equal(created.json.signature_policy, 'verify');
    assert.equal(created.json.trust_policy.keys[0].algorithm, 'ecdsa-p256');

    // The gRPC API shows the same policy.
    const client = mirrorClient(`127.0.0.1:${ferry.env.FERRY_GRPC_PORT}`);
    try {
      const answer = await grpcCall(client, 'GetMirror', { namespace: 'trusted', repository: 'app' }, `Bearer ${ferry.adminToken}`);
      assert.ok(answer.ok, answer.ok ? '' : answer.error.message);
      assert.equal(answer.response.signature_policy, 'verify');
      assert.deepEqual(answer.response.trust_policy.keys.map((k: { name: string; algorithm: string }) => [k.name, k.algorithm]), [['release', 'ecdsa-p256']]);
      assert.equal(answer.response.trust_policy.quarantine, true);
    } finally {
      client.close();
    }

    const preview = (await api('POST', `${MIRROR}/preview`)).json;
    assert.deepEqual(
      Object.fromEntries(preview.failing.map((f: { tag: string; error: { code: string } }) => [f.tag, f.error.code])),
      { v3: 'SIGNATURE_MISSING', v4: 'SIGNER_NOT_TRUSTED' },
    );

    await syncNowAndWait(api, MIRROR);
    const published = await tagDigests(target, 'trusted/app');
    assert.equal(published['v1'], digests['v1']);
    assert.equal(published['v2'], digests['v2']);
    assert.equal(published['v3'], undefined);
    assert.equal(published['v4'], undefined);
    // Quarantined: on the target by digest, under no tag.
    assert.equal(await manifestDigest(target, 'trusted/app', digests['v3']!), digests['v3']);
    assert.equal(await manifestDigest(target, 'trusted/app', digests['v4']!), digests['v4']);

    const tags = (await api('GET', '/repository/trusted/app/tag/?onlyActiveTags=true')).json.tags as Array<{ name: string; verification?: { outcome: string; signers: Array<{ kind: string; name?: string; fingerprint?: string }> } }>;
    const v1 = tags.find((t) => t.name === 'v1');
    assert.equal(v1?.verification?.outcome, 'verified');
    assert.deepEqual(v1?.verification?.signers.map((s) => [s.kind, s.name, s.fingerprint]), [['key', 'release', created.json.trust_policy.keys[0].fingerprint]]);
    const history = (await api('GET', `${MIRROR}/tags/v1/history`)).json;
    assert.equal(history.history[0].verification.outcome, 'verified');

    // The mirror's tag ledger (the console's Tags tab), its usage logs and the worker's metrics say it too.
    const ledger = (await api('GET', `${MIRROR}/tags`)).json.tags as Array<{ name: string; verification: { outcome: string } | null }>;
    assert.equal(ledger.find((t) => t.name === 'v1')?.verification?.outcome, 'verified');
    const logs = (await api('GET', `${MIRROR}/logs?limit=500`)).json.logs as Array<{ kind: string; metadata: { tag?: string; verification?: { outcome: string; quarantined?: boolean } } }>;
    assert.equal(logs.find((l) => l.kind === 'MirrorTagSynced' && l.metadata.tag === 'v2')?.metadata.verification?.outcome, 'verified');
    assert.equal(logs.find((l) => l.kind === 'MirrorTagFailed' && l.metadata.tag === 'v3')?.metadata.verification?.quarantined, true);
    const metrics = await (await fetch(`${ferry.metricsUrl('sync-worker')}/metrics`)).text();
    assert.match(metrics, /ferry_tag_verifications_total\{outcome="verified",quarantined="false"\} 2/);
    assert.match(metrics, /ferry_tag_verifications_total\{outcome="SIGNATURE_MISSING",quarantined="true"\} 1/);

    const run = (await api('GET', `${MIRROR}/runs/${(await api('GET', MIRROR)).json.last_run_id}`)).json;
    const failed = Object.fromEntries((run.tags as Array<{ tag: string; result: string; error: { code: string } }>).filter((t: { result: string }) => t.result === 'failed').map((t: { tag: string; error: { code: string } }) => [t.tag, t.error.code]));
    assert.deepEqual(failed, { v3: 'SIGNATURE_MISSING', v4: 'SIGNER_NOT_TRUSTED' }, JSON.stringify(run));
  });

  it('re-verifies what it published when its key changes: reports the tags that no longer pass, and publishes the newly trusted one', async () => {
    const changed = await api('PUT', MIRROR, { trust_policy: { keys: [{ name: 'successor', pem: successor.publicPem }] } });
    assert.equal(changed.status, 200, JSON.stringify(changed.json));
    await syncNowAndWait(api, MIRROR);
    const published = await tagDigests(target, 'trusted/app');
    assert.equal(published['v4'], digests['v4'], 'signed by the new key: published');
    assert.equal(published['v1'], digests['v1'], 'left in place: unpublish_failing is off');
    const tags = (await api('GET', '/repository/trusted/app/tag/?onlyActiveTags=true')).json.tags as Array<{ name: string; verification?: { outcome: string; policy_version: string } }>;
    assert.equal(tags.find((t) => t.name === 'v1')?.verification?.outcome, 'SIGNER_NOT_TRUSTED');
    assert.equal(tags.find((t) => t.name === 'v4')?.verification?.outcome, 'verified');
    assert.equal(tags.find((t) => t.name === 'v4')?.verification?.policy_version, changed.json.trust_policy.version);

    // Asked to unpublish, the next run removes the tags that no longer pass.
    assert.equal((await api('PUT', MIRROR, { trust_policy: { keys: [{ name: 'successor', pem: successor.publicPem }], unpublish_failing: true } })).status, 200);
    await syncNowAndWait(api, MIRROR);
    const after = await tagDigests(target, 'trusted/app');
    assert.equal(after['v1'], undefined);
    assert.equal(after['v2'], undefined);
    assert.equal(after['v4'], digests['v4']);
  });
});
