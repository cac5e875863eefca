import { globTagRule } from '@ferry/contracts';
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { once } from 'node:events';
import {
  startRegistry,
  freePort,
  pushImage,
  pushMultiArch,
  putManifest,
  writeTagsDirectly,
  getManifest,
  tagDigests,
  listTags,
  manifestDigest,
  seedQuayExampleRepository,
  startShapingProxy,
  registryRequest,
  blobExists,
  type RunningRegistry,
} from '@ferry/testing';
import { syncRepository } from './sync-repository';
import { testSyncRequest } from './sync-request.fixtures';
import { MemoryLedger } from './target-ledger';
import type { SyncRequest } from './sync-request';

const req: typeof testSyncRequest = (host, repo, target, targetRepo, extra = {}) =>
  testSyncRequest(host, repo, target, targetRepo, { retry: { maxAttempts: 4, baseMs: 10, maxMs: 100 }, ...extra });

/** A reverse proxy that answers the first `failures` matching requests itself with a fault. */
async function startFaultProxy(backend: RunningRegistry, rule: { match: (method: string, url: string) => boolean; failures: number; status: number; retryAfter?: string }) {
  const port = await freePort();
  const seen: string[] = [];
  let failed = 0;
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (failed < rule.failures && rule.match(req.method ?? '', req.url ?? '')) {
      failed++;
      req.resume();
      res.writeHead(rule.status, rule.retryAfter ? { 'retry-after': rule.retryAfter } : {}).end();
      return;
    }
    const [host, p] = backend.host.split(':');
    const out = httpRequest({ host, port: Number(p), method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return { host: `127.0.0.1:${port}`, seen, failedCount: () => failed, stop: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

describe('registries that require credentials', () => {
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  before(async () => {
    [upstream, target] = await Promise.all([
      startRegistry({ token: { users: [{ username: 'puller', password: 'pull-secret' }] } }),
      startRegistry({ htpasswd: { username: 'robot', password: 'robot-secret' } }),
    ]);
    await seedQuayExampleRepository(upstream, 'quay/example');
  });
  after(() => Promise.all([upstream.stop(), target.stop()]));

  it('copies through a Bearer-token upstream and a Basic target, asking one token per scope', async () => {
    const seeding = upstream.tokenIssuer!.requests.length;
    const report = await syncRepository(
      req(upstream.host, 'quay/example', target, 'mirror/auth', {
        upstream: { reference: `${upstream.host}/quay/example`, verifyTls: false, username: 'puller', password: 'pull-secret' },
        target: { registryUrl: target.url, repository: 'mirror/auth', username: 'robot', password: 'robot-secret' },
      }),
    );
    assert.ok(report.results.every((r) => r.kind === 'synced'), JSON.stringify(report.results));
    assert.deepEqual(await listTags(target, 'mirror/auth'), await listTags(upstream, 'quay/example'));
    const pullTokens = upstream.tokenIssuer!.requests.slice(seeding).filter((r) => r.username === 'puller' && r.scopes.includes('repository:quay/example:pull'));
    assert.equal(pullTokens.length, 1);
  });

  it('fails the run with UNAUTHORIZED, not retryable, and no secret in the message, for wrong credentials', async () => {
    await assert.rejects(
      syncRepository(
        req(upstream.host, 'quay/example', target, 'mirror/auth2', {
          upstream: { reference: `${upstream.host}/quay/example`, verifyTls: false, username: 'puller', password: 'wrong-secret' },
        }),
      ),
      (error: { code: string; retryable: boolean; message: string }) => {
        assert.equal(error.code, 'UNAUTHORIZED');
        assert.equal(error.retryable, false);
        assert.ok(!error.message.includes('wrong-secret'));
        return true;
      },
    );
  });
});

describe('an upstream on a loopback address that is not allowlisted', () => {
  it('is refused with UPSTREAM_NOT_ALLOWED before any connection', async () => {
    const target = await startRegistry();
    try {
      await assert.rejects(syncRepository(req('127.0.0.1:1', 'a/b', target, 'x/y', { ssrfAllowedHosts: [] })), { code: 'UPSTREAM_NOT_ALLOWED' });
      await assert.rejects(syncRepository(req('127.0.0.1:1', 'a/b', target, 'x/y')), { code: 'UPSTREAM_UNREACHABLE', retryable: true });
    } finally {
      await target.stop();
    }
  });
});

describe('a flaky upstream behind a fault-injecting proxy', () => {
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  before(async () => {
    [upstream, target] = await Promise.all([startRegistry(), startRegistry()]);
    await pushImage(upstream, 'flaky/repo', 'v1', { mediaType: 'oci', layers: [{ seed: 'flaky', size: 50_000 }] });
  });
  after(() => Promise.all([upstream.stop(), target.stop()]));

  it('retries 429 with Retry-After and 503 on blobs and manifests, then succeeds', async () => {
    const proxy = await startFaultProxy(upstream, { match: (m, u) => u.includes('/blobs/') || u.includes('/manifests/'), failures: 3, status: 429, retryAfter: '0' });
    const proxy503 = await startFaultProxy(upstream, { match: (_m, u) => u.includes('/tags/list'), failures: 2, status: 503 });
    try {
      const report = await syncRepository(req(proxy.host, 'flaky/repo', target, 'mirror/flaky'));
      assert.equal(proxy.failedCount(), 3);
      assert.deepEqual(report.results.map((r) => r.kind), ['synced']);
      const report2 = await syncRepository(req(proxy503.host, 'flaky/repo', target, 'mirror/flaky2'));
      assert.equal(proxy503.failedCount(), 2);
      assert.deepEqual(report2.results.map((r) => r.kind), ['synced']);
    } finally {
      await proxy.stop();
      await proxy503.stop();
    }
  });

  it('does not retry a 404 of the repository', async () => {
    const proxy = await startFaultProxy(upstream, { match: () => false, failures: 0, status: 500 });
    try {
      await assert.rejects(syncRepository(req(proxy.host, 'no/such', target, 'mirror/none')), { code: 'NAME_UNKNOWN', retryable: false });
      assert.equal(proxy.seen.filter((s) => s.includes('/v2/no/such/tags/list')).length, 1);
    } finally {
      await proxy.stop();
    }
  });

  it('gives up after the attempts with a retryable error on the tag', async () => {
    const proxy = await startFaultProxy(upstream, { match: (_m, u) => u.includes('/manifests/'), failures: 100, status: 503 });
    try {
      const report = await syncRepository(req(proxy.host, 'flaky/repo', target, 'mirror/never'));
      assert.equal(report.results[0]!.kind, 'failed');
      assert.equal((report.results[0] as { error: { code: string } }).error.code, 'REGISTRY_UNAVAILABLE');
      assert.deepEqual(await listTags(target, 'mirror/never'), []);
    } finally {
      await proxy.stop();
    }
  });
});

describe('a multi-arch upstream with an architecture filter', () => {
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  let index: Awaited<ReturnType<typeof pushMultiArch>>;
  before(async () => {
    [upstream, target] = await Promise.all([startRegistry(), startRegistry()]);
    index = await pushMultiArch(upstream, 'multi/repo', 'latest', {
      seed: 'arch',
      flavour: 'oci',
      layers: [{ seed: 'arch-base', size: 1000 }],
      platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }, { os: 'linux', architecture: 'arm', variant: 'v7' }],
    });
  });
  after(() => Promise.all([upstream.stop(), target.stop()]));

  it('rewrites the index to the matching children and records the mode', async () => {
    const report = await syncRepository(req(upstream.host, 'multi/repo', target, 'mirror/rewrite', { architectureFilter: ['amd64', 'arm/v7'] }));
    assert.equal(report.indexMode, 'rewrite');
    const pushed = await getManifest(target, 'mirror/rewrite', 'latest');
    const entries = (JSON.parse(pushed!.bytes.toString()) as { manifests: Array<{ digest: string }> }).manifests.map((m) => m.digest);
    assert.deepEqual(entries, [index.children[0]!.digest, index.children[2]!.digest]);
    assert.equal(await manifestDigest(target, 'mirror/rewrite', index.children[1]!.digest), null);
    const again = await syncRepository(req(upstream.host, 'multi/repo', target, 'mirror/rewrite', { architectureFilter: ['amd64', 'arm/v7'] }));
    assert.deepEqual(again.results.map((r) => r.kind === 'synced' && r.unchanged), [true]);
  });

  it('pushes the original index in sparse mode, which registry 2.8 refuses with SPARSE_INDEX_REFUSED', async () => {
    const report = await syncRepository(req(upstream.host, 'multi/repo', target, 'mirror/sparse', { architectureFilter: ['arm64'], indexMode: 'sparse' }));
    assert.equal(report.indexMode, 'sparse');
    assert.equal(report.results[0]!.kind, 'failed');
    assert.equal((report.results[0] as { error: { code: string } }).error.code, 'SPARSE_INDEX_REFUSED');
    assert.ok(await manifestDigest(target, 'mirror/sparse', index.children[1]!.digest));
  });
});

describe('images with cosign signatures and unsigned images', () => {
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  let signed: string;
  before(async () => {
    [upstream, target] = await Promise.all([startRegistry(), startRegistry()]);
    signed = (await pushImage(upstream, 'sig/repo', 'signed', { mediaType: 'oci', layers: [{ seed: 'signed', size: 500 }] })).digest;
    await pushImage(upstream, 'sig/repo', 'unsigned', { mediaType: 'oci', layers: [{ seed: 'unsigned', size: 500 }] });
    await pushImage(upstream, 'sig/repo', `${signed.replace(':', '-')}.sig`, {
      mediaType: 'oci',
      layers: [{ seed: 'signature', size: 200 }],
      annotations: { 'dev.cosignproject.cosign/signature': 'MEUCIQ' },
    });
  });
  after(() => Promise.all([upstream.stop(), target.stop()]));

  it('copies the .sig tag with the signed image even though no pattern selects it', async () => {
    const report = await syncRepository(req(upstream.host, 'sig/repo', target, 'mirror/sig', { tagRule: globTagRule(['signed']) }));
    assert.deepEqual(report.tagsMatched, ['signed']);
    assert.deepEqual(await listTags(target, 'mirror/sig'), [`${signed.replace(':', '-')}.sig`, 'signed']);
    // and a re-run keeps it rather than deleting it as unselected
    await syncRepository(req(upstream.host, 'sig/repo', target, 'mirror/sig', { tagRule: globTagRule(['signed']) }));
    assert.deepEqual(await listTags(target, 'mirror/sig'), [`${signed.replace(':', '-')}.sig`, 'signed']);
  });

  it('refuses the unsigned tag with UNSIGNED_IMAGE when unsigned images are not allowed', async () => {
    const report = await syncRepository(req(upstream.host, 'sig/repo', target, 'mirror/strict', { tagRule: globTagRule(['signed', 'unsigned']), unsignedImages: false }));
    const byTag = new Map(report.results.map((r) => [r.tag, r]));
    assert.equal(byTag.get('signed')!.kind, 'synced');
    const refused = byTag.get('unsigned') as { error: { code: string }; retryable: boolean };
    assert.deepEqual([refused.error.code, refused.retryable], ['UNSIGNED_IMAGE', false], 'a refusal a later run cannot undo');
    assert.ok(!(await listTags(target, 'mirror/strict')).includes('unsigned'));
  });
});

describe('a run in which a tag fails', () => {
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  before(async () => {
    [upstream, target] = await Promise.all([startRegistry(), startRegistry()]);
    await pushImage(upstream, 'rb/repo', 'a', { mediaType: 'oci', layers: [{ seed: 'a1', size: 300 }] });
    await pushImage(upstream, 'rb/repo', 'b', { mediaType: 'oci', layers: [{ seed: 'b1', size: 300 }] });
  });
  after(() => Promise.all([upstream.stop(), target.stop()]));

  async function breakTagC(): Promise<void> {
    // An index whose child does not exist upstream-side as a manifest would be refused by the registry,
    // so tag c points at an image whose layer is listed with a wrong size: the copy of c fails.
    const good = await pushImage(upstream, 'rb/repo', 'c', { mediaType: 'oci', layers: [{ seed: 'c1', size: 300 }] });
    const json = JSON.parse(good.manifest.toString()) as { layers: Array<{ size: number }> };
    json.layers[0]!.size += 1;
    await putManifest(upstream, 'rb/repo', 'c', Buffer.from(JSON.stringify(json)), good.mediaType);
  }

  it('keeps what succeeded in best-effort mode, and puts everything back with rollback', async () => {
    await syncRepository(req(upstream.host, 'rb/repo', target, 'mirror/be'));
    await syncRepository(req(upstream.host, 'rb/repo', target, 'mirror/rb'));
    const before = await tagDigests(target, 'mirror/rb');
    const movedA = await pushImage(upstream, 'rb/repo', 'a', { mediaType: 'oci', layers: [{ seed: 'a2', size: 300 }] });
    await breakTagC();

    const bestEffort = await syncRepository(req(upstream.host, 'rb/repo', target, 'mirror/be'));
    assert.ok(bestEffort.results.some((r) => r.kind === 'failed' && r.tag === 'c'));
    assert.equal(await manifestDigest(target, 'mirror/be', 'a'), movedA.digest);

    const rollback = await syncRepository(req(upstream.host, 'rb/repo', target, 'mirror/rb', { rollback: true }));
    assert.ok(rollback.results.some((r) => r.kind === 'failed' && r.tag === 'c'));
    assert.deepEqual(rollback.rolledBack, ['a']);
    assert.deepEqual(await tagDigests(target, 'mirror/rb'), before);
    // Reported as a result after the copy's, so whoever records results (the worker's events, a
    // ledger) ends with what the target holds again.
    const results = rollback.results.filter((r) => r.tag === 'a').map((r) => r.kind);
    assert.deepEqual(results, ['synced', 'rolled-back']);
    assert.deepEqual(rollback.results.find((r) => r.kind === 'rolled-back'), { kind: 'rolled-back', tag: 'a', digest: before.a, mediaType: 'application/vnd.oci.image.manifest.v1+json' });
  });
});

describe('blobs shared between tags and repositories', () => {
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  before(async () => {
    [upstream, target] = await Promise.all([startRegistry(), startRegistry()]);
    for (const tag of ['one', 'two', 'three']) {
      await pushImage(upstream, 'share/repo', tag, { mediaType: 'docker', layers: [{ seed: 'shared-base', size: 40_000 }, { seed: `own-${tag}`, size: 100 }] });
    }
  });
  after(() => Promise.all([upstream.stop(), target.stop()]));

  it('uploads nothing into a repository without tags that already holds the blobs (a half-filled first sync)', async () => {
    // Pushed by digest only: the blobs are there, the tag list is empty, so the copy starts its
    // upstream GETs early and must drop them when the target answers that it has each blob.
    const image = await pushImage(target, 'mirror/half', null, { mediaType: 'docker', layers: [{ seed: 'shared-base', size: 40_000 }, { seed: 'own-one', size: 100 }] });
    const report = await syncRepository(req(upstream.host, 'share/repo', target, 'mirror/half', { tagRule: globTagRule(['one']) }));
    assert.ok(report.results.every((r) => r.kind === 'synced'), JSON.stringify(report.results));
    assert.equal(report.bytesCopied, 0);
    assert.equal(await manifestDigest(target, 'mirror/half', 'one'), image.digest);
  });

  it('uploads a blob that several tags need at once only once', async () => {
    const puts: string[] = [];
    await syncRepository(req(upstream.host, 'share/repo', target, 'mirror/a', { onRequest: (side, method, url) => side === 'upstream' && method === 'GET' && url.includes('/blobs/') && puts.push(url) }));
    // 1 shared base + 3 own layers + 3 configs, each fetched once
    assert.equal(puts.length, 7);
    assert.equal(new Set(puts).size, 7);
  });

  it('mounts blobs from another target repository instead of uploading them', async () => {
    let blobGets = 0;
    const report = await syncRepository(
      req(upstream.host, 'share/repo', target, 'mirror/b', { mountFrom: ['mirror/a'], onRequest: (side, method, url) => void (side === 'upstream' && method === 'GET' && url.includes('/blobs/') && blobGets++) }),
    );
    assert.equal(blobGets, 0);
    assert.equal(report.bytesCopied, 0);
    assert.deepEqual(await tagDigests(target, 'mirror/b'), await tagDigests(upstream, 'share/repo'));
  });

  it('uploads a big blob in chunks that the registry reassembles with the right digest', async () => {
    await pushImage(upstream, 'big/repo', 'v1', { mediaType: 'oci', layers: [{ seed: 'chunky', size: 300_000 }] });
    let patches = 0;
    await syncRepository(
      req(upstream.host, 'big/repo', target, 'mirror/big', {
        chunkedUploadThresholdBytes: 64 * 1024,
        chunkSizeBytes: 64 * 1024,
        onRequest: (side, method) => void (side === 'target' && method === 'PATCH' && patches++),
      }),
    );
    assert.ok(patches >= 4, `${patches} PATCH requests`);
    assert.equal(await manifestDigest(target, 'mirror/big', 'v1'), await manifestDigest(upstream, 'big/repo', 'v1'));
  });
});

describe('a blob transfer that goes wrong: corrupt bytes, a broken connection on either side', () => {
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  let layer: string;
  let layerBytes: Buffer;
  before(async () => {
    [upstream, target] = await Promise.all([startRegistry(), startRegistry()]);
    const image = await pushImage(upstream, 'corrupt/repo', 'v1', { mediaType: 'oci', layers: [{ seed: 'corrupt-layer', size: 200_000 }] });
    layer = image.layerDigests[0]!;
    layerBytes = (await registryRequest(upstream, 'GET', `/v2/corrupt/repo/blobs/${layer}`)).body;
  });
  after(() => Promise.all([upstream.stop(), target.stop()]));

  /** Serves the layer with one byte flipped, `times` times (same length, so only the digest can tell). */
  function corrupting(times: number) {
    let served = 0;
    const proxy = startShapingProxy(upstream.url, {
      answer: (request, res) => {
        if (request.method !== 'GET' || !request.url?.endsWith(`/blobs/${layer}`) || served >= times) return false;
        served++;
        request.resume();
        const bytes = Buffer.from(layerBytes);
        bytes[bytes.length - 1]! ^= 0xff;
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) }).end(bytes);
        return true;
      },
    });
    return { proxy, served: () => served };
  }

  for (const [mode, extra] of [
    ['in one PUT', {}],
    ['in chunks', { chunkedUploadThresholdBytes: 32 * 1024, chunkSizeBytes: 32 * 1024 }],
  ] as const) {
    it(`fails the tag with DIGEST_MISMATCH and never commits the blob on the target, uploading ${mode}`, async () => {
      const { proxy: starting, served } = corrupting(Infinity);
      const proxy = await starting;
      try {
        const targetRepo = `mirror/corrupt-${mode.replace(/\W/g, '').toLowerCase()}`;
        const report = await syncRepository(req(proxy.host, 'corrupt/repo', target, targetRepo, extra));
        const result = report.results[0]!;
        assert.equal(result.kind, 'failed', JSON.stringify(report.results));
        assert.equal(result.kind === 'failed' && result.error.code, 'DIGEST_MISMATCH', JSON.stringify(result));
        assert.ok(served() >= 2, `the corrupt blob was fetched ${served()} times (retried)`);
        assert.equal(await blobExists(target, targetRepo, layer), false);
        assert.deepEqual(await listTags(target, targetRepo), []);
      } finally {
        await proxy.stop();
      }
    });
  }

  it('retries a blob whose upstream connection breaks halfway, from a fresh GET into a fresh upload', async () => {
    let broken = 0;
    const proxy = await startShapingProxy(upstream.url, {
      answer: (request, res) => {
        if (request.method !== 'GET' || !request.url?.endsWith(`/blobs/${layer}`) || broken > 0) return false;
        broken++;
        request.resume();
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(layerBytes.length) });
        res.write(layerBytes.subarray(0, layerBytes.length / 2), () => res.destroy());
        return true;
      },
    });
    try {
      const report = await syncRepository(req(proxy.host, 'corrupt/repo', target, 'mirror/broken-once'));
      assert.ok(report.results.every((r) => r.kind === 'synced'), JSON.stringify(report.results));
      assert.equal(broken, 1);
      assert.deepEqual(await tagDigests(target, 'mirror/broken-once'), await tagDigests(upstream, 'corrupt/repo'));
    } finally {
      await proxy.stop();
    }
  });

  it('retries a blob whose upload to the target breaks halfway, into a new upload session', async () => {
    let broken = 0;
    const targetProxy = await startShapingProxy(target.url, {
      answer: (request) => {
        if (request.method !== 'PUT' || !request.url?.includes(`digest=${encodeURIComponent(layer)}`) || broken > 0) return false;
        broken++;
        // Take some of the body, then drop the connection as a failing load balancer would.
        request.once('data', () => request.socket.destroy());
        return true;
      },
    });
    try {
      const viaProxy = { ...target, url: targetProxy.url };
      const report = await syncRepository(req(upstream.host, 'corrupt/repo', viaProxy, 'mirror/broken-upload'));
      assert.ok(report.results.every((r) => r.kind === 'synced'), JSON.stringify(report.results));
      assert.equal(broken, 1);
      const posts = targetProxy.seen.filter((line) => line.startsWith('POST /v2/mirror/broken-upload/blobs/uploads/'));
      assert.ok(posts.length >= 3, `a new upload session for the retry (${posts.length} POSTs for 2 blobs)`);
      assert.deepEqual(await tagDigests(target, 'mirror/broken-upload'), await tagDigests(upstream, 'corrupt/repo'));
    } finally {
      await targetProxy.stop();
    }
  });

  it('copies the image when a retry brings the right bytes', async () => {
    const { proxy: starting, served } = corrupting(1);
    const proxy = await starting;
    try {
      const report = await syncRepository(req(proxy.host, 'corrupt/repo', target, 'mirror/corrupt-once'));
      assert.ok(report.results.every((r) => r.kind === 'synced'), JSON.stringify(report.results));
      assert.equal(served(), 1);
      assert.equal(await blobExists(target, 'mirror/corrupt-once', layer), true);
      assert.deepEqual(await tagDigests(target, 'mirror/corrupt-once'), await tagDigests(upstream, 'corrupt/repo'));
    } finally {
      await proxy.stop();
    }
  });
});

describe('a ledger of what Ferry wrote', () => {
  it('makes an unchanged tag cost one upstream request, and a verify run repairs drift', async () => {
    const [upstream, target] = await Promise.all([startRegistry(), startRegistry()]);
    try {
      await seedQuayExampleRepository(upstream, 'quay/example');
      const ledger = new MemoryLedger();
      await syncRepository(req(upstream.host, 'quay/example', target, 'mirror/l', { ledger }));
      const noop = await syncRepository(req(upstream.host, 'quay/example', target, 'mirror/l', { ledger }));
      assert.equal(noop.requests.upstream, 1 + noop.tagsMatched.length);
      assert.equal(noop.requests.target, 1);
      // drift: someone re-points v3.3 behind Ferry's back
      const other = await pushImage(target, 'mirror/l', 'v3.3', { mediaType: 'oci', layers: [{ seed: 'drift', size: 10 }] });
      const trusting = await syncRepository(req(upstream.host, 'quay/example', target, 'mirror/l', { ledger }));
      assert.ok(trusting.results.every((r) => r.kind === 'synced' && r.unchanged));
      assert.equal(await manifestDigest(target, 'mirror/l', 'v3.3'), other.digest);
      const verified = await syncRepository(req(upstream.host, 'quay/example', target, 'mirror/l', { ledger, verifyTarget: true }));
      assert.equal(verified.tagsTrustedFromLedger, 0);
      assert.equal(await manifestDigest(target, 'mirror/l', 'v3.3'), await manifestDigest(upstream, 'quay/example', 'v3.3'));
      const synced = verified.results.find((r) => r.kind === 'synced' && r.tag === 'v3.3');
      assert.equal(synced?.kind === 'synced' && synced.sourceDigest, await manifestDigest(upstream, 'quay/example', 'v3.3'));
    } finally {
      await Promise.all([upstream.stop(), target.stop()]);
    }
  });

  it('does not vouch for a tag copied with another platform filter', async () => {
    const [upstream, target] = await Promise.all([startRegistry(), startRegistry()]);
    try {
      const platforms = [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64' },
      ];
      const index = await pushMultiArch(upstream, 'multi/app', 'latest', { seed: 'profile', flavour: 'oci', layers: [{ seed: 'profile-layer', size: 64 }], platforms });
      const ledger = new MemoryLedger();
      await syncRepository(req(upstream.host, 'multi/app', target, 'mirror/p', { ledger }));
      assert.equal(await manifestDigest(target, 'mirror/p', 'latest'), index.digest);
      const filtered = await syncRepository(req(upstream.host, 'multi/app', target, 'mirror/p', { ledger, architectureFilter: ['arm64'] }));
      assert.equal(filtered.tagsTrustedFromLedger, 0);
      const rewritten = await getManifest(target, 'mirror/p', 'latest');
      assert.notEqual(rewritten!.digest, index.digest, 'the index was rewritten to the arm64 child only');
      assert.equal(JSON.parse(rewritten!.bytes.toString()).manifests.length, 1);
      // The same filter again: now the ledger vouches for it.
      const again = await syncRepository(req(upstream.host, 'multi/app', target, 'mirror/p', { ledger, architectureFilter: ['arm64'] }));
      assert.equal(again.tagsTrustedFromLedger, 1);
      assert.equal(again.requests.target, 1);
    } finally {
      await Promise.all([upstream.stop(), target.stop()]);
    }
  });
});

describe('a registry that stops answering', () => {
  it('fails the operation after the timeout, retries it, and copies once the registry answers again', async () => {
    const upstream = await startRegistry();
    const target = await startRegistry();
    let stalled = 0;
    const proxy = await startShapingProxy(upstream.url, {
      // The first manifest request of v1 never gets an answer.
      answer: (request) => {
        if (stalled === 0 && /\/manifests\/v1$/.test(request.url ?? '')) {
          stalled++;
          return true;
        }
        return false;
      },
    });
    try {
      await pushImage(upstream, 'slow/app', 'v1', { mediaType: 'oci', layers: [{ seed: 'timeout', size: 64 }] });
      const started = Date.now();
      const report = await syncRepository(req(proxy.host, 'slow/app', target, 'mirror/t', { timeoutSeconds: 1 }));
      assert.ok(Date.now() - started >= 1000, 'the stalled request was given its full timeout');
      assert.deepEqual(report.results.map((r) => [r.tag, r.kind]), [['v1', 'synced']]);
      assert.equal(stalled, 1);
      assert.equal(await manifestDigest(target, 'mirror/t', 'v1'), await manifestDigest(upstream, 'slow/app', 'v1'));

      stalled = 0;
      const never = await startShapingProxy(upstream.url, { answer: (request) => /\/manifests\//.test(request.url ?? '') });
      try {
        const failed = await syncRepository(req(never.host, 'slow/app', target, 'mirror/t2', { timeoutSeconds: 1, retry: { maxAttempts: 2, baseMs: 10, maxMs: 10 } }));
        assert.equal(failed.results[0]?.kind, 'failed');
        assert.equal(failed.results[0]?.kind === 'failed' && failed.results[0].error.code, 'TIMEOUT');
      } finally {
        await never.stop();
      }
    } finally {
      await proxy.stop();
      await Promise.all([upstream.stop(), target.stop()]);
    }
  });
});

describe('a cancelled run', () => {
  it('stops promptly, reports cancelled and deletes nothing', async () => {
    const [upstream, target] = await Promise.all([startRegistry(), startRegistry()]);
    try {
      await pushImage(upstream, 'c/repo', 'keep', { mediaType: 'oci', layers: [{ seed: 'k', size: 100 }] });
      await pushImage(target, 'mirror/c', 'stale', { mediaType: 'oci', layers: [{ seed: 's', size: 100 }] });
      await pushImage(upstream, 'c/repo', 'big', { mediaType: 'oci', layers: [{ seed: 'cancel-big', size: 8 * 1024 * 1024 }] });
      const controller = new AbortController();
      const report = await syncRepository(
        req(upstream.host, 'c/repo', target, 'mirror/c', {
          signal: controller.signal,
          onProgress: () => controller.abort(),
        }),
      );
      assert.equal(report.cancelled, true);
      assert.ok((await listTags(target, 'mirror/c')).includes('stale'));
      assert.equal(await manifestDigest(target, 'mirror/c', 'big'), null);
    } finally {
      await Promise.all([upstream.stop(), target.stop()]);
    }
  });
});

/**
 * docker-registry 2.8 ignores `n` on tag lists and answers in one page; Quay, Harbor and Docker Hub
 * paginate. This proxy pages the registry's answer the way they do (`n`, `last`, `Link: <...>; rel="next"`).
 */
async function startPaginatingProxy(backend: RunningRegistry, pageSize: number) {
  const port = await freePort();
  let pages = 0;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const [host, p] = backend.host.split(':');
    const isList = url.pathname.endsWith('/tags/list');
    const out = httpRequest({ host, port: Number(p), method: req.method, path: isList ? url.pathname : req.url, headers: req.headers }, (answer) => {
      if (!isList || answer.statusCode !== 200) {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        pages++;
        const body = JSON.parse(Buffer.concat(chunks).toString()) as { name: string; tags: string[] };
        const all = [...body.tags].sort();
        const last = url.searchParams.get('last');
        const n = Math.min(Number(url.searchParams.get('n') ?? pageSize), pageSize);
        const from = last ? all.findIndex((t) => t > last) : 0;
        const page = from < 0 ? [] : all.slice(from, from + n);
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (from >= 0 && from + n < all.length) headers['link'] = `<${url.pathname}?n=${n}&last=${page[page.length - 1]}>; rel="next"`;
        res.writeHead(200, headers).end(JSON.stringify({ name: body.name, tags: page }));
      });
    });
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return { host: `127.0.0.1:${port}`, pages: () => pages, stop: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

describe('an upstream with 5,000 tags served in pages of 1,000', () => {
  it('is listed through every page and selected from in one run', async () => {
    const [upstream, target] = await Promise.all([startRegistry(), startRegistry()]);
    const proxy = await startPaginatingProxy(upstream, 1000);
    try {
      const image = await pushImage(upstream, 'many/repo', 't0000', { mediaType: 'oci', layers: [{ seed: 'many', size: 100 }] });
      const tags = Array.from({ length: 5000 }, (_, i) => `t${String(i).padStart(4, '0')}`);
      writeTagsDirectly(upstream, 'many/repo', tags.slice(1), image.digest);
      const report = await syncRepository(req(proxy.host, 'many/repo', target, 'mirror/many', { tagRule: globTagRule(['t4999', 't0000', 't20*']) }));
      assert.equal(report.listingComplete, true);
      assert.equal(report.tagsMatched.length, 102);
      assert.ok(report.tagsMatched.includes('t4999'));
      assert.equal(proxy.pages(), 5);
      assert.equal((await listTags(target, 'mirror/many')).length, 102);
    } finally {
      await proxy.stop();
      await Promise.all([upstream.stop(), target.stop()]);
    }
  });
});

describe('a targeted run (an upstream pushed some tags)', () => {
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  before(async () => {
    [upstream, target] = await Promise.all([startRegistry(), startRegistry()]);
    for (const tag of ['v1', 'v2', 'nightly']) await pushImage(upstream, 'tg/repo', tag, { mediaType: 'oci', layers: [{ seed: `tg-${tag}`, size: 200 }] });
  });
  after(() => Promise.all([upstream.stop(), target.stop()]));

  it('copies only the pushed tags the rule selects, and deletes, rolls back or reports nothing else', async () => {
    await syncRepository(req(upstream.host, 'tg/repo', target, 'mirror/tg', { tagRule: globTagRule(['v*']) }));
    // The target also holds a tag the rule does not select: a full run would delete it, a targeted run may not judge it.
    await syncRepository(req(upstream.host, 'tg/repo', target, 'mirror/tg', { tagRule: globTagRule(['nightly']), tagDeletion: { enabled: false, maxDelete: null } }));
    const movedV2 = await pushImage(upstream, 'tg/repo', 'v2', { mediaType: 'oci', layers: [{ seed: 'tg-v2-moved', size: 200 }] });
    const movedV1 = await pushImage(upstream, 'tg/repo', 'v1', { mediaType: 'oci', layers: [{ seed: 'tg-v1-moved', size: 200 }] });
    const before = await tagDigests(target, 'mirror/tg');
    const ledger = new MemoryLedger();

    const report = await syncRepository(req(upstream.host, 'tg/repo', target, 'mirror/tg', { tagRule: globTagRule(['v*']), onlyTags: ['v2', 'nightly'], rollback: true, ledger }));

    assert.deepEqual(report.tagsMatched, ['v2'], 'nightly was pushed but the rule does not select it');
    assert.deepEqual(report.results.map((r) => `${r.kind} ${r.tag}`), ['synced v2']);
    assert.equal(report.listingComplete, true);
    const after = await tagDigests(target, 'mirror/tg');
    assert.notEqual(after.v1, movedV1.digest, 'v1 waits for a full run');
    assert.ok('nightly' in after, 'a tag outside the rule stays: removal is a full run\'s to decide');
    assert.deepEqual(after, { ...before, v2: movedV2.digest });
    assert.equal(ledger.targetCheckedAt, null, 'checking one tag is no check of the target');
  });
});
