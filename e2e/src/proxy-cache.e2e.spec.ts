import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoredEvent } from '@ferry/contracts';
import {
  blobExists,
  createTestDatabase,
  eventually,
  freePort,
  pushImage,
  pushMultiArch,
  registryRequest,
  startRegistry,
  startShapingProxy,
  tagDigests,
  testEventLogNames,
  type RunningRegistry,
  type PushedImage,
  type ShapingProxy,
  type TestDatabase,
} from '@ferry/testing';
import { request } from 'undici';
import { apiClient } from './api-client';
import { runCommand } from './commands';
import { destroyEventLog, readEventLog } from './event-log';
import { startFerry, testDeploymentEnv, tokenServiceSetup, type FerryProcesses } from './ferry-processes';
import { startRegistryFront, type RegistryFront } from './registry-front-process';

const SERVICE = 'ferry-registry';
/** docker-registry's filesystem layout: a blob's bytes, and a repository's link to it. */
const blobDataPath = (root: string, digest: string) => join(root, 'docker/registry/v2/blobs/sha256', digest.slice(7, 9), digest.slice(7), 'data');
const layerLinkPath = (root: string, repo: string, digest: string) => join(root, 'docker/registry/v2/repositories', repo, '_layers/sha256', digest.slice(7), 'link');
const PASSWORD = 'a-long-test-password';
const skopeo = (args: string[]) => runCommand('skopeo', ['--insecure-policy', ...args], { env: process.env as Record<string, string> });

/**
 * Clients pull through the registry front: skopeo against the front, the front in front of a
 * stock docker-registry that trusts Ferry's token service, and a proxy-cache organization whose
 * upstream is another docker-registry behind a loopback proxy the test steers (429s, a cut blob,
 * a slow blob, a stop).
 */
for (const readsStorage of [false, true]) describe(`pulling through the registry front${readsStorage ? ", which reads the target's storage (FERRY_FRONT_TARGET_STORAGE)" : ''}`, () => {
  const names = testEventLogNames();
  let upstream: RunningRegistry;
  let target: RegistryRunning;
  let shaper: ShapingProxy;
  let db: TestDatabase;
  let ferry: FerryProcesses;
  let front: RegistryFront;
  let dir: string;
  const api = apiClient(() => ferry);
  /** How the loopback proxy in front of the upstream answers now. */
  const mode = { throttle: false as boolean, cutBlob: null as string | null, slowBlob: null as string | null };
  const creds = () => `admin:${ferry.env.FERRY_BOOTSTRAP_ADMIN_PASSWORD}`;
  const asAdmin = (url: string) => ({ url, credentials: { username: 'admin', password: ferry.env.FERRY_BOOTSTRAP_ADMIN_PASSWORD! } });
  type RegistryRunning = RunningRegistry;
  const evictable: Record<string, PushedImage> = {};

  /** `skopeo copy` of `repo:tag` through the front into a directory; the manifest digest it copied. */
  async function pullThrough(repo: string, tag: string, who: string | null = creds(), extra: string[] = []): Promise<{ code: number | null; output: string; digest: string | null }> {
    const out = mkdtempSync(join(dir, 'pull-'));
    const digestFile = join(out, 'digest');
    const result = await skopeo(['copy', '--src-tls-verify=false', ...(who ? ['--src-creds', who] : ['--src-no-creds']), '--digestfile', digestFile, ...extra, `docker://${front.host}/${repo}:${tag}`, `dir:${join(out, 'image')}`]);
    let digest: string | null = null;
    try {
      digest = readFileSync(digestFile, 'utf8').trim();
    } catch {
      digest = null;
    }
    return { ...result, digest };
  }

  const upstreamBlobGets = (repo: string) => shaper.seen.filter((l) => l.startsWith(`GET /v2/library/${repo}/blobs/`)).length;
  const events = async (type: string): Promise<StoredEvent[]> => (await readEventLog(names)).filter((e) => e.type === type);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ferry-proxy-cache-'));
    const tokens = await tokenServiceSetup(dir, SERVICE);
    [upstream, target, db] = await Promise.all([
      startRegistry(),
      // The access log counts the target's answers: a warm blob read from its storage is none of them.
      startRegistry({ trustTokenService: tokens.trustTokenService, countRequests: true }),
      createTestDatabase(),
    ]);
    await pushImage(upstream, 'library/alpine', '1', { mediaType: 'oci', layers: [{ seed: 'pc-alpine-a', size: 300_000 }, { seed: 'pc-alpine-b', size: 200_000 }] });
    await pushMultiArch(upstream, 'library/multi', '1', { seed: 'pc-multi', platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }], layers: [{ seed: 'pc-multi-base', size: 100_000 }], flavour: 'oci' });
    await pushImage(upstream, 'library/legacy', '1', { mediaType: 'docker', layers: [{ seed: 'pc-legacy', size: 150_000 }] });
    await pushImage(upstream, 'library/stale', '1', { mediaType: 'oci', layers: [{ seed: 'pc-stale', size: 50_000 }] });
    await pushImage(upstream, 'library/uncached', '1', { mediaType: 'oci', layers: [{ seed: 'pc-uncached', size: 50_000 }] });
    await pushImage(upstream, 'library/big', '1', { mediaType: 'oci', layers: [{ seed: 'pc-big', size: 4_000_000 }] });
    await pushImage(upstream, 'library/cut', '1', { mediaType: 'oci', layers: [{ seed: 'pc-cut', size: 2_000_000 }] });
    for (const name of ['evict-a', 'evict-b', 'evict-c']) evictable[name] = await pushImage(upstream, `library/${name}`, '1', { mediaType: 'oci', layers: [{ seed: `pc-${name}`, size: 100_000 }] });
    shaper = await startShapingProxy(upstream.url, {
      answer: (req, res) => {
        if (mode.throttle && req.url?.includes('/manifests/')) {
          res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '30' });
          res.end(JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: 'pull rate limit', detail: null }] }));
          return true;
        }
        if (mode.cutBlob && req.method === 'GET' && req.url?.endsWith(mode.cutBlob)) {
          // Half the blob, then the connection drops: the upstream failing mid-fill.
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '2000000' });
          res.write(Buffer.alloc(1_000_000, 7));
          setTimeout(() => res.destroy(), 50);
          return true;
        }
        return false;
      },
      // The slow blob takes about a second upstream, so a second client arrives mid-fill.
      bytesPerSecond: () => (mode.slowBlob ? 4_000_000 : 0),
    });
    ferry = await startFerry({
      ...testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: target.url }),
      ...tokens.env,
      FERRY_PROXY_CACHE_PROMOTION_SECONDS: '1',
    });
    mkdirSync(target.rootDir, { recursive: true });
    front = await startRegistryFront(ferry.env, { FERRY_FRONT_SETTINGS_SECONDS: '0', FERRY_FRONT_UPSTREAM_TIMEOUT_MS: '3000', ...(readsStorage ? { FERRY_FRONT_TARGET_STORAGE: target.rootDir } : {}) });
    for (const org of ['hub', 'flaky', 'plain', 'rules']) assert.equal((await api('POST', '/organization/', { name: org })).status, 201);
    assert.equal((await api('POST', '/superuser/users/', { username: 'outsider', password: PASSWORD })).status, 200);
    const hub = await api('POST', '/organization/hub/proxycache', { upstream_registry: `${shaper.host}/library`, insecure: true, expiration_s: 3600 });
    assert.equal(hub.status, 201, JSON.stringify(hub.json));
    // A second upstream configuration in the same Ferry: expired at once, so every pull asks the upstream.
    const flaky = await api('POST', '/organization/flaky/proxycache', { upstream_registry: `${shaper.host}/library`, insecure: true, expiration_s: 1, stale_bound_s: 3600 });
    assert.equal(flaky.status, 201, JSON.stringify(flaky.json));
  });

  after(async () => {
    await front?.stop();
    await ferry?.stopAll();
    await destroyEventLog(names);
    await Promise.all([upstream?.stop(), target?.stop(), shaper?.stop()]);
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe("Quay's proxy-cache API", () => {
    it('shows the settings in Quay\'s shape without the credentials, and empty strings for an organization without', async () => {
      const got = await api('GET', '/organization/hub/proxycache');
      assert.equal(got.status, 200);
      assert.deepEqual(got.json, { upstream_registry: `${shaper.host}/library`, expiration_s: 3600, insecure: true, stale_bound_s: 604800, promotion_rule: null, size_limit_bytes: null, cached_bytes: 0 });
      assert.deepEqual((await api('GET', '/organization/plain/proxycache')).json, { upstream_registry: '', expiration_s: '', insecure: '', stale_bound_s: '', promotion_rule: null, size_limit_bytes: '', cached_bytes: '' });
    });

    it('refuses a second configuration, an internal address and a scheme, naming the field; deleting none is a 404', async () => {
      const again = await api('POST', '/organization/hub/proxycache', { upstream_registry: 'quay.io' });
      assert.equal(again.status, 400);
      const internal = await api('POST', '/organization/plain/proxycache', { upstream_registry: '10.0.0.7/library' });
      assert.equal(internal.status, 400);
      assert.equal(internal.json.errors[0].field, 'upstream_registry');
      assert.match(internal.json.errors[0].message, /not allowed/);
      const scheme = await api('POST', '/organization/plain/proxycache', { upstream_registry: 'https://quay.io' });
      assert.equal(scheme.status, 400);
      assert.equal(scheme.json.errors[0].field, 'upstream_registry');
      assert.equal((await api('DELETE', '/organization/plain/proxycache')).status, 404);
    });

    it('validates an upstream as Quay does: 202 "Valid", and a 400 for one that does not answer', async () => {
      const valid = await api('POST', '/organization/plain/validateproxycache', { upstream_registry: `${shaper.host}/library`, insecure: true });
      assert.equal(valid.status, 202);
      assert.equal(valid.json, 'Valid');
      const dead = await api('POST', '/organization/plain/validateproxycache', { upstream_registry: `127.0.0.1:${await freePort()}`, insecure: true });
      assert.equal(dead.status, 400);
    });

    it('creates and deletes with Quay\'s answers, recorded as events', async () => {
      const created = await api('POST', '/organization/plain/proxycache', { upstream_registry: `${shaper.host}/library`, insecure: true });
      assert.equal(created.status, 201);
      assert.equal(created.json, 'Created');
      const deleted = await api('DELETE', '/organization/plain/proxycache');
      assert.equal(deleted.status, 201);
      assert.equal(deleted.json, 'Deleted');
      assert.ok((await events('ProxyCacheDeleted')).some((e) => (e.data as { organization: string }).organization === 'plain'));
      assert.ok(!JSON.stringify(await events('ProxyCacheCreated')).includes(PASSWORD));
    });
  });

  describe('cold, then warm', () => {
    for (const [repo, extra] of [['alpine', []], ['multi', ['--all']], ['legacy', []]] as const) {
      it(`pulls ${repo} (${repo === 'multi' ? 'an OCI index' : repo === 'legacy' ? 'a Docker schema2 image' : 'an OCI image'}) from the upstream, then from the target with the same digest`, async () => {
        const upstreamDigest = (await tagDigests(upstream, `library/${repo}`))['1'];
        const cold = await pullThrough(`hub/${repo}`, '1', creds(), [...extra]);
        assert.equal(cold.code, 0, cold.output);
        assert.equal(cold.digest, upstreamDigest);
        // Stored behind the answer: the manifest's fill event once every blob it names is in the target.
        await eventually(async () => ((await events('ProxyCacheFilled')).some((e) => (e.data as { repository: string; kind: string; reference: string }).repository === repo && (e.data as { kind: string }).kind === 'manifest' && (e.data as { reference: string }).reference === '1') ? true : undefined), 30_000, `${repo} stored`);
        assert.deepEqual(await tagDigests(asAdmin(target.url), `hub/${repo}`), { '1': upstreamDigest });
        const fetchedBefore = upstreamBlobGets(repo);
        const warm = await pullThrough(`hub/${repo}`, '1', creds(), [...extra]);
        assert.equal(warm.code, 0, warm.output);
        assert.equal(warm.digest, upstreamDigest);
        assert.equal(upstreamBlobGets(repo), fetchedBefore, 'the warm pull fetched no blob upstream');
      });
    }
  });

  it('fetches a blob that two clients ask for at once from the upstream once, and gives both all of it', async () => {
    const manifest = JSON.parse((await registryRequest(upstream, 'GET', '/v2/library/big/manifests/1', { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } })).body.toString()) as { layers: { digest: string }[] };
    const layer = manifest.layers[0]!.digest;
    mode.slowBlob = layer;
    const [a, b] = await Promise.all([
      registryRequest(asAdmin(front.url), 'GET', `/v2/hub/big/blobs/${layer}`, { scope: 'repository:hub/big:pull' }),
      new Promise((r) => setTimeout(r, 300)).then(() => registryRequest(asAdmin(front.url), 'GET', `/v2/hub/big/blobs/${layer}`, { scope: 'repository:hub/big:pull' })),
    ]).finally(() => (mode.slowBlob = null));
    assert.deepEqual([a.headers['x-ferry-cache'], b.headers['x-ferry-cache']], ['miss', 'miss; shared']);
    for (const answer of [a, b]) {
      assert.equal(answer.status, 200);
      assert.equal(`sha256:${createHash('sha256').update(answer.body).digest('hex')}`, layer);
    }
    assert.equal(shaper.seen.filter((l) => l === `GET /v2/library/big/blobs/${layer}`).length, 1);
    await eventually(async () => ((await blobExists(asAdmin(target.url), 'hub/big', layer)) ? true : undefined), 10_000, 'the blob stored');
  });

  it('stores nothing of a fill the upstream cuts off, and the client does not get a short blob as whole', async () => {
    const manifest = JSON.parse((await registryRequest(upstream, 'GET', '/v2/library/cut/manifests/1', { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } })).body.toString()) as { layers: { digest: string }[] };
    const layer = manifest.layers[0]!.digest;
    mode.cutBlob = layer;
    try {
      const cut = await registryRequest(asAdmin(front.url), 'GET', `/v2/hub/cut/blobs/${layer}`, { scope: 'repository:hub/cut:pull' }).catch((error: unknown) => error as Error);
      assert.ok(cut instanceof Error || cut.status !== 200 || createHash('sha256').update(cut.body).digest('hex') !== layer.slice(7), 'no whole blob');
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(await blobExists(asAdmin(target.url), 'hub/cut', layer), false);
      // Nothing in the storage either: no blob file, no link, no partial file of the front's.
      assert.equal(existsSync(blobDataPath(target.rootDir, layer)), false);
      assert.equal(existsSync(layerLinkPath(target.rootDir, 'hub/cut', layer)), false);
      const partials = join(target.rootDir, 'ferry-front-fills');
      assert.deepEqual(existsSync(partials) ? readdirSync(partials) : [], []);
      assert.ok(!(await events('ProxyCacheFilled')).some((e) => (e.data as { digest: string }).digest === layer));
    } finally {
      mode.cutBlob = null;
    }
    const whole = await registryRequest(asAdmin(front.url), 'GET', `/v2/hub/cut/blobs/${layer}`, { scope: 'repository:hub/cut:pull' });
    assert.equal(whole.status, 200);
    assert.equal(`sha256:${createHash('sha256').update(whole.body).digest('hex')}`, layer);
  });

  it('serves a cached tag past its expiry while the upstream answers 429, says so, and records it', async () => {
    const digest = (await tagDigests(upstream, 'library/stale'))['1'];
    const cold = await pullThrough('flaky/stale', '1');
    assert.equal(cold.code, 0, cold.output);
    await eventually(async () => ((await events('ProxyCacheFilled')).some((e) => (e.data as { organization: string; kind: string }).organization === 'flaky' && (e.data as { kind: string }).kind === 'manifest') ? true : undefined), 30_000, 'stale stored');
    await new Promise((r) => setTimeout(r, 1_100));
    mode.throttle = true;
    try {
      const answer = await registryRequest(asAdmin(front.url), 'GET', '/v2/flaky/stale/manifests/1', { scope: 'repository:flaky/stale:pull', headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
      assert.equal(answer.status, 200);
      assert.match(String(answer.headers['x-ferry-cache']), /^stale; reason=upstream-429/);
      assert.match(String(answer.headers['warning']), /^110 /);
      const warm = await pullThrough('flaky/stale', '1');
      assert.equal(warm.code, 0, warm.output);
      assert.equal(warm.digest, digest);
      const stale = await events('ProxyCacheStaleServed');
      assert.ok(stale.some((e) => (e.data as { reason: string; upstreamStatus: number }).reason === 'upstream-429' && (e.data as { upstreamStatus: number }).upstreamStatus === 429));
    } finally {
      mode.throttle = false;
    }
  });

  it('keeps a usage log of the proxy cache: its settings and the front\'s fills and stale answers, one sentence each', async () => {
    const logs = (await api('GET', '/organization/flaky/proxycache/logs?limit=500')).json.logs as { kind: string; description: string; performer: { name: string } | null; metadata: Record<string, unknown> }[];
    assert.ok(logs.some((l) => l.kind === 'ProxyCacheCreated' && /became a proxy cache of/.test(l.description)));
    assert.ok(logs.some((l) => l.kind === 'ProxyCacheFilled' && /flaky\/stale:1 was fetched from/.test(l.description) && l.performer?.name === 'registry-front'));
    assert.ok(logs.some((l) => l.kind === 'ProxyCacheStaleServed' && /because the upstream is rate-limiting pulls \(429\)/.test(l.description)));
    assert.equal((await api('GET', '/organization/flaky/proxycache/logs?limit=0')).status, 400);
  });

  it('pulls repositories nested below the organization (deep/library/alpine is the upstream\'s library/alpine) through the front and the token service', async () => {
    assert.equal((await api('POST', '/organization/', { name: 'deep' })).status, 201);
    const created = await api('POST', '/organization/deep/proxycache', { upstream_registry: shaper.host, insecure: true });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const upstreamDigest = (await tagDigests(upstream, 'library/alpine'))['1'];
    const cold = await pullThrough('deep/library/alpine', '1');
    assert.equal(cold.code, 0, cold.output);
    assert.equal(cold.digest, upstreamDigest);
    const inspected = await skopeo(['inspect', '--tls-verify=false', '--creds', creds(), `docker://${front.host}/deep/library/alpine:1`]);
    assert.equal(inspected.code, 0, inspected.output);
    assert.equal(/"Digest":\s*"([^"]+)"/.exec(inspected.output)?.[1], upstreamDigest);
    await eventually(async () => ((await tagDigests(asAdmin(target.url), 'deep/library/alpine'))['1'] === upstreamDigest ? true : undefined), 30_000, 'deep/library/alpine stored');
    const warm = await pullThrough('deep/library/alpine', '1');
    assert.equal(warm.code, 0, warm.output);
    assert.equal(warm.digest, upstreamDigest);
    const hit = await registryRequest(asAdmin(front.url), 'GET', '/v2/deep/library/alpine/manifests/1', { scope: 'repository:deep/library/alpine:pull', headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
    assert.equal(hit.headers['x-ferry-cache'], 'hit');
    // Anonymous pulls are refused as for any proxy-cache repository; nested names of an ordinary organization are no repository at all.
    assert.notEqual((await pullThrough('deep/library/alpine', '1', null)).code, 0);
    assert.notEqual((await pullThrough('plain/library/alpine', '1')).code, 0);
  });

  it('keeps an organization within its size limit: pulling past it evicts the least recently pulled image from the target, and its next pull refills it', async () => {
    assert.equal((await api('POST', '/organization/', { name: 'small' })).status, 201);
    // Each image is a 100 kB layer, a config and a manifest: two fit in 250 kB, three do not.
    const created = await api('POST', '/organization/small/proxycache', { upstream_registry: `${shaper.host}/library`, insecure: true, size_limit_bytes: 250_000 });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const bad = await api('POST', '/organization/plain/proxycache', { upstream_registry: `${shaper.host}/library`, insecure: true, size_limit_bytes: 0 });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.errors[0].field, 'size_limit_bytes');
    const filledRepos = async () => new Set((await events('ProxyCacheFilled')).filter((e) => (e.data as { organization: string; kind: string }).organization === 'small' && (e.data as { kind: string }).kind === 'manifest').map((e) => (e.data as { repository: string }).repository));
    const pull = async (name: string) => {
      const answer = await pullThrough(`small/${name}`, '1');
      assert.equal(answer.code, 0, answer.output);
      assert.equal(answer.digest, evictable[name]!.digest);
    };
    await pull('evict-a');
    await eventually(async () => ((await filledRepos()).has('evict-a') ? true : undefined), 30_000, 'evict-a stored');
    await pull('evict-b');
    await eventually(async () => ((await filledRepos()).has('evict-b') ? true : undefined), 30_000, 'evict-b stored');
    // evict-a is pulled again (a hit, served from the target): evict-b is now the least recently pulled.
    await pull('evict-a');
    await pull('evict-c');
    const evicted = await eventually(async () => (await events('ProxyCacheEvicted')).find((e) => (e.data as { organization: string }).organization === 'small'), 30_000, 'an eviction');
    const data = evicted.data as { repository: string; tags: string[]; digest: string; removed: string[]; bytes: number; cachedBytes: number; limitBytes: number };
    assert.equal(data.repository, 'evict-b');
    assert.deepEqual(data.tags, ['1']);
    assert.equal(data.digest, evictable['evict-b']!.digest);
    assert.equal(data.limitBytes, 250_000);
    assert.ok(data.cachedBytes > 250_000 && data.cachedBytes - data.bytes <= 250_000, JSON.stringify(data));
    assert.ok(data.removed.includes(evictable['evict-b']!.layerDigests[0]!));
    // The target itself: evict-b's tag, manifest and layer are gone; evict-a and evict-c stay.
    const admin = asAdmin(target.url);
    assert.deepEqual(await tagDigests(admin, 'small/evict-b'), {});
    assert.equal((await registryRequest(admin, 'HEAD', `/v2/small/evict-b/manifests/${evictable['evict-b']!.digest}`, { scope: 'repository:small/evict-b:pull', headers: { accept: '*/*' } })).status, 404);
    assert.equal(await blobExists(admin, 'small/evict-b', evictable['evict-b']!.layerDigests[0]!), false);
    assert.deepEqual(await tagDigests(admin, 'small/evict-a'), { '1': evictable['evict-a']!.digest });
    assert.deepEqual(await tagDigests(admin, 'small/evict-c'), { '1': evictable['evict-c']!.digest });
    // Reported: the API's cached bytes within the limit, the usage log's sentence.
    const settings = await api('GET', '/organization/small/proxycache');
    assert.equal(settings.json.size_limit_bytes, 250_000);
    assert.ok(settings.json.cached_bytes > 0 && settings.json.cached_bytes <= 250_000, JSON.stringify(settings.json));
    const logs = (await api('GET', '/organization/small/proxycache/logs?limit=500')).json.logs as { kind: string; description: string }[];
    assert.ok(logs.some((l) => l.kind === 'ProxyCacheEvicted' && /small\/evict-b:1 was evicted from the cache .* size limit of 250000/.test(l.description)), JSON.stringify(logs.map((l) => l.description)));
    // The next pull of evict-b is a miss that refills it from the upstream.
    const layerGets = () => shaper.seen.filter((l) => l === `GET /v2/library/evict-b/blobs/${evictable['evict-b']!.layerDigests[0]}`).length;
    const before = layerGets();
    const manifest = await registryRequest(asAdmin(front.url), 'GET', '/v2/small/evict-b/manifests/1', { scope: 'repository:small/evict-b:pull', headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
    assert.equal(manifest.headers['x-ferry-cache'], 'miss');
    await pull('evict-b');
    assert.ok(layerGets() > before, 'the layer was fetched upstream again');
    await eventually(async () => ((await tagDigests(admin, 'small/evict-b'))['1'] === evictable['evict-b']!.digest ? true : undefined), 30_000, 'evict-b stored again');
  });

  it('promotes a repository pulled through the cache to a scheduled mirror of its upstream, of the tags pulled', async () => {
    assert.equal((await api('PUT', '/organization/hub/robots/syncer', {})).status, 201);
    const refused = await api('POST', '/repository/hub/never/proxycache/promote', { robot_username: 'hub+syncer' });
    assert.equal(refused.status, 400);
    assert.equal(refused.json.errors[0].field, 'tags');
    const promoted = await api('POST', '/repository/hub/alpine/proxycache/promote', { robot_username: 'hub+syncer', sync_interval: 3600 });
    assert.equal(promoted.status, 201, JSON.stringify(promoted.json));
    assert.equal(promoted.json.external_reference, `${shaper.host}/library/alpine`);
    assert.deepEqual(promoted.json.root_rule.rule_value, ['1']);
    const done = await eventually(
      async () => {
        const view = (await api('GET', '/repository/hub/alpine/mirror')).json as { sync_status: string; last_run_id: string | null };
        return view.last_run_id && ['SUCCESS', 'FAIL'].includes(view.sync_status) ? view : undefined;
      },
      60_000,
      'the promoted mirror\'s first run',
    );
    assert.equal(done.sync_status, 'SUCCESS', JSON.stringify((await api('GET', `/repository/hub/alpine/mirror/runs/${done.last_run_id}`)).json));
    assert.deepEqual(await tagDigests(asAdmin(target.url), 'hub/alpine'), await tagDigests(upstream, 'library/alpine'));
  });

  describe('warm blobs, and who may have them', () => {
    const ACCEPT_OCI = 'application/vnd.oci.image.manifest.v1+json';
    /** A token of Ferry's token service, as a client holds it: for the admin, or for nobody (anonymous). */
    async function token(scope: string, who: string | null = creds()): Promise<string> {
      const answer = await request(`${ferry.apiUrl}/v2/auth?service=${SERVICE}&scope=${encodeURIComponent(scope)}`, { headers: who ? { authorization: `Basic ${Buffer.from(who).toString('base64')}` } : {} });
      const json = (await answer.body.json()) as { token: string };
      return `Bearer ${json.token}`;
    }
    async function get(base: string, path: string, headers: Record<string, string>, method: 'GET' | 'HEAD' = 'GET') {
      const answer = await request(`${base}${path}`, { method, headers });
      return { status: answer.statusCode, headers: answer.headers, body: Buffer.from(await answer.body.arrayBuffer()) };
    }
    async function layerOf(repo: string): Promise<string> {
      const manifest = await get(target.url, `/v2/hub/${repo}/manifests/1`, { accept: ACCEPT_OCI, authorization: await token(`repository:hub/${repo}:pull`) });
      assert.equal(manifest.status, 200, manifest.body.toString());
      return (JSON.parse(manifest.body.toString()) as { layers: { digest: string }[] }).layers[0]!.digest;
    }

    it(`answers a cached blob, whole, in part and its HEAD, with the target's headers${readsStorage ? ', from the storage without asking the target' : ''}`, async () => {
      const layer = await layerOf('alpine');
      const bearer = await token('repository:hub/alpine:pull');
      const direct = await get(target.url, `/v2/hub/alpine/blobs/${layer}`, { authorization: bearer });
      await target.resetRequestCount();
      const whole = await get(front.url, `/v2/hub/alpine/blobs/${layer}`, { authorization: bearer });
      if (readsStorage) assert.equal(await target.settleRequestCount(), 0, 'the target was not asked');
      assert.equal(whole.status, 200);
      assert.equal(whole.headers['x-ferry-cache'], 'hit');
      assert.ok(whole.body.equals(direct.body));
      for (const header of ['content-length', 'content-type', 'docker-content-digest', 'etag']) assert.equal(whole.headers[header], direct.headers[header], header);
      const head = await get(front.url, `/v2/hub/alpine/blobs/${layer}`, { authorization: bearer }, 'HEAD');
      assert.equal(head.status, 200);
      assert.equal(head.body.length, 0);
      assert.equal(head.headers['content-length'], direct.headers['content-length']);
      assert.equal(head.headers['docker-content-digest'], layer);
      const part = await get(front.url, `/v2/hub/alpine/blobs/${layer}`, { authorization: bearer, range: 'bytes=10-19' });
      assert.equal(part.status, 206);
      assert.ok(part.body.equals(direct.body.subarray(10, 20)));
    });

    it('refuses a client without a token, with a token for another repository, or with a forged one, exactly as the target refuses it', async () => {
      const layer = await layerOf('alpine');
      const other = await token('repository:hub/legacy:pull');
      const [header, payload] = (await token('repository:hub/alpine:pull')).slice('Bearer '.length).split('.');
      const forged = `Bearer ${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
      const anonymous = await token('repository:hub/alpine:pull', null);
      for (const authorization of [null, other, forged, anonymous, 'Bearer not-a-token', `Basic ${Buffer.from(creds()).toString('base64')}`]) {
        const headers: Record<string, string> = authorization ? { authorization } : {};
        for (const method of ['GET', 'HEAD'] as const) {
          const viaFront = await get(front.url, `/v2/hub/alpine/blobs/${layer}`, headers, method);
          const direct = await get(target.url, `/v2/hub/alpine/blobs/${layer}`, headers, method);
          assert.ok(direct.status === 401 || direct.status === 403, `the target refuses ${authorization?.slice(0, 12)}: ${direct.status}`);
          assert.equal(viaFront.status, direct.status, `${method} ${authorization?.slice(0, 12)}`);
          assert.equal(viaFront.headers['www-authenticate'], direct.headers['www-authenticate']);
          assert.equal(viaFront.headers['x-ferry-cache'], undefined);
        }
      }
    });

    if (readsStorage) {
      it("reads and writes through the target when FERRY_FRONT_TARGET_STORAGE is not the target's storage, and says so", async () => {
        const elsewhere = mkdtempSync(join(dir, 'not-the-storage-'));
        const wrong = await startRegistryFront(ferry.env, { FERRY_FRONT_SETTINGS_SECONDS: '0', FERRY_FRONT_TARGET_STORAGE: elsewhere });
        try {
          await eventually(async () => (/is not the storage of the target registry/.test(wrong.output()) ? true : undefined), 10_000, 'the probe\'s verdict');
          const layer = await layerOf('alpine');
          const bearer = await token('repository:hub/alpine:pull');
          await target.resetRequestCount();
          const answer = await get(wrong.url, `/v2/hub/alpine/blobs/${layer}`, { authorization: bearer });
          assert.equal(answer.status, 200);
          assert.equal(answer.headers['x-ferry-cache'], 'hit');
          assert.ok((await target.settleRequestCount()) > 0, 'the target answered');
          assert.deepEqual(readdirSync(elsewhere, { recursive: true, withFileTypes: true }).filter((f) => !f.isDirectory()).map((f) => f.name), [], 'no file of the probe\'s stays');
        } finally {
          await wrong.stop();
        }
      });
    }

    it("does not answer a blob the repository does not link, though another repository's is in the storage", async () => {
      const layer = await layerOf('alpine');
      const bearer = await token('repository:hub/legacy:pull');
      const direct = await get(target.url, `/v2/hub/legacy/blobs/${layer}`, { authorization: bearer });
      assert.equal(direct.status, 404);
      // Not the target's to serve: the front asks the upstream's library/legacy, which does not have it either.
      const viaFront = await get(front.url, `/v2/hub/legacy/blobs/${layer}`, { authorization: bearer });
      assert.equal(viaFront.status, 404);
      assert.notEqual(viaFront.headers['x-ferry-cache'], 'hit');
    });
  });

  it('refuses anonymous and unauthorized pulls as the target does', async () => {
    for (const who of [null, `outsider:${PASSWORD}`]) {
      const viaFront = await pullThrough('hub/alpine', '1', who);
      assert.notEqual(viaFront.code, 0);
      assert.match(viaFront.output, /unauthorized|denied|authentication required/i);
      const direct = await skopeo(['inspect', '--tls-verify=false', ...(who ? ['--creds', who] : ['--no-creds']), `docker://${target.host}/hub/alpine:1`]);
      assert.notEqual(direct.code, 0);
    }
  });

  it('leaves ordinary repositories as they are: a push and a pull through the front are the target\'s', async () => {
    assert.equal((await api('POST', '/repository', { namespace: 'plain', repository: 'app', visibility: 'private', description: '' })).status, 201);
    const pushed = await skopeo(['copy', '--src-tls-verify=false', '--dest-tls-verify=false', '--dest-creds', creds(), `docker://${upstream.host}/library/alpine:1`, `docker://${front.host}/plain/app:v1`]);
    assert.equal(pushed.code, 0, pushed.output);
    const pulled = await pullThrough('plain/app', 'v1');
    assert.equal(pulled.code, 0, pulled.output);
    assert.equal(pulled.digest, (await tagDigests(asAdmin(target.url), 'plain/app'))['v1']);
    assert.ok(!(await readEventLog(names)).some((e) => e.type.startsWith('ProxyCache') && (e.data as { organization?: string }).organization === 'plain' && e.type !== 'ProxyCacheCreated' && e.type !== 'ProxyCacheDeleted'));
  });

  it('promotes a repository pulled at least min_pulls times by its organization\'s rule, and no other', async () => {
    const noRobot = await api('POST', '/organization/rules/proxycache', { upstream_registry: `${shaper.host}/library`, insecure: true, promotion_rule: { min_pulls: 2, days: 1, robot_username: 'rules+nobody' } });
    assert.equal(noRobot.status, 400);
    assert.equal(noRobot.json.errors[0].field, 'promotion_rule.robot_username');
    assert.equal((await api('PUT', '/organization/rules/robots/syncer', {})).status, 201);
    const rule = { min_pulls: 2, days: 1, robot_username: 'rules+syncer', keep_newest: null };
    assert.equal((await api('POST', '/organization/rules/proxycache', { upstream_registry: `${shaper.host}/library`, insecure: true, promotion_rule: rule })).status, 201);
    assert.deepEqual((await api('GET', '/organization/rules/proxycache')).json.promotion_rule, rule);
    for (let i = 0; i < 2; i++) assert.equal((await pullThrough('rules/legacy', '1')).code, 0);
    assert.equal((await pullThrough('rules/alpine', '1')).code, 0);
    const done = await eventually(
      async () => {
        const view = await api('GET', '/repository/rules/legacy/mirror');
        return view.status === 200 && view.json.last_run_id && ['SUCCESS', 'FAIL'].includes(view.json.sync_status) ? view.json : undefined;
      },
      60_000,
      'rules/legacy promoted and synced',
    );
    assert.equal(done.sync_status, 'SUCCESS');
    assert.equal(done.external_reference, `${shaper.host}/library/legacy`);
    assert.equal((await api('GET', '/repository/rules/alpine/mirror')).status, 404, 'pulled once: not promoted');
    const logs = (await api('GET', '/repository/rules/legacy/mirror/logs')).json.logs as { kind: string; performer: { name: string } | null }[];
    assert.ok(logs.some((l) => l.kind === 'MirrorCreated' && l.performer?.name === 'proxy-cache-promotion'));
  });

  describe('with the upstream stopped', () => {
    before(async () => {
      await shaper.stop();
    });

    it('still pulls what it cached, fails clearly for what it did not, and serves an expired tag stale', async () => {
      const cached = await pullThrough('hub/alpine', '1');
      assert.equal(cached.code, 0, cached.output);
      const uncached = await pullThrough('hub/uncached', '1');
      assert.notEqual(uncached.code, 0);
      assert.match(uncached.output, /502 Bad Gateway/);
      // skopeo shows no body of a 5xx; the front's says what failed.
      const answer = await registryRequest(asAdmin(front.url), 'GET', '/v2/hub/uncached/manifests/1', { scope: 'repository:hub/uncached:pull' });
      assert.equal(answer.status, 502);
      assert.match(JSON.parse(answer.body.toString()).errors[0].message, new RegExp(`the upstream 127\\.0\\.0\\.1:\\d+ is unreachable \\(.+\\) and hub/uncached:1 is not cached`));
      const stale = await pullThrough('flaky/stale', '1');
      assert.equal(stale.code, 0, stale.output);
      assert.ok((await events('ProxyCacheStaleServed')).some((e) => (e.data as { reason: string }).reason === 'upstream-unreachable'));
    });
  });
});
