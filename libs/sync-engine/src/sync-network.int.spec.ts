import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startRegistry,
  startForwardProxy,
  startShapingProxy,
  pushImage,
  listTags,
  tagDigests,
  type RunningRegistry,
} from '@ferry/testing';
import { RegistryClient, createRegistryDispatcher } from '@ferry/registry-client';
import type { LookupFunction } from 'node:net';
import { syncRepository } from './sync-repository';
import { testSyncRequest } from './sync-request.fixtures';
import type { SyncRequest } from './sync-request';

const req = testSyncRequest;

const synced = (report: { results: Array<{ kind: string }> }) => report.results.every((r) => r.kind === 'synced');

describe('an upstream served over TLS by a private CA', () => {
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  before(async () => {
    [upstream, target] = await Promise.all([startRegistry({ tls: true }), startRegistry({ tls: true })]);
    await pushImage(upstream, 'tls/repo', 'v1', { mediaType: 'oci', layers: [{ seed: 'tls', size: 20_000 }] });
  });
  after(() => Promise.all([upstream.stop(), target.stop()]));

  it('is copied with verify_tls on and the CA bundle, into a TLS target trusted the same way', async () => {
    const report = await syncRepository(
      req(upstream.host, 'tls/repo', target, 'mirror/ca', { upstream: { reference: `${upstream.host}/tls/repo`, verifyTls: true, caBundle: upstream.caCertificate } }),
    );
    assert.ok(synced(report), JSON.stringify(report.results));
    assert.deepEqual(await tagDigests(target, 'mirror/ca'), await tagDigests(upstream, 'tls/repo'));
  });

  it('is refused with TLS_VERIFICATION_FAILED, not retryable, with verify_tls on and no CA bundle', async () => {
    await assert.rejects(
      syncRepository(req(upstream.host, 'tls/repo', target, 'mirror/noca', { upstream: { reference: `${upstream.host}/tls/repo`, verifyTls: true } })),
      { code: 'TLS_VERIFICATION_FAILED', retryable: false },
    );
  });

  it('is copied with verify_tls off, any certificate accepted', async () => {
    const report = await syncRepository(req(upstream.host, 'tls/repo', target, 'mirror/insecure'));
    assert.ok(synced(report), JSON.stringify(report.results));
    assert.deepEqual(await listTags(target, 'mirror/insecure'), ['v1']);
  });
});

describe('a mirror with proxy settings', () => {
  let plain: RunningRegistry;
  let secure: RunningRegistry;
  let target: RunningRegistry;
  before(async () => {
    [plain, secure, target] = await Promise.all([startRegistry(), startRegistry({ tls: true }), startRegistry()]);
    await Promise.all([
      pushImage(plain, 'px/repo', 'v1', { mediaType: 'oci', layers: [{ seed: 'px', size: 10_000 }] }),
      pushImage(secure, 'px/repo', 'v1', { mediaType: 'oci', layers: [{ seed: 'px', size: 10_000 }] }),
    ]);
  });
  after(() => Promise.all([plain.stop(), secure.stop(), target.stop()]));

  it('sends plain-http upstream traffic through http_proxy by forwarding, and the target directly', async () => {
    const proxy = await startForwardProxy();
    try {
      const report = await syncRepository(
        req(plain.host, 'px/repo', target, 'mirror/px1', {
          upstream: { reference: `${plain.host}/px/repo`, verifyTls: false, proxy: { httpProxy: proxy.url, httpsProxy: null, noProxy: null } },
        }),
      );
      assert.ok(synced(report), JSON.stringify(report.results));
      assert.deepEqual(proxy.targets(), new Set([plain.host]));
      assert.ok(proxy.requests.every((r) => r.kind === 'forward'));
      assert.ok(proxy.requests.length >= 3, `${proxy.requests.length} requests through the proxy`);
    } finally {
      await proxy.stop();
    }
  });

  it('tunnels https upstream traffic through https_proxy with CONNECT', async () => {
    const proxy = await startForwardProxy();
    try {
      const report = await syncRepository(
        req(secure.host, 'px/repo', target, 'mirror/px2', {
          upstream: { reference: `${secure.host}/px/repo`, verifyTls: true, caBundle: secure.caCertificate, proxy: { httpProxy: null, httpsProxy: proxy.url, noProxy: '' } },
        }),
      );
      assert.ok(synced(report), JSON.stringify(report.results));
      assert.ok(proxy.requests.length >= 1);
      assert.ok(proxy.requests.every((r) => r.kind === 'connect' && r.target === secure.host), JSON.stringify(proxy.requests));
    } finally {
      await proxy.stop();
    }
  });

  it('goes direct for hosts in no_proxy, and for https when only http_proxy is set', async () => {
    const proxy = await startForwardProxy();
    try {
      const viaNoProxy = await syncRepository(
        req(plain.host, 'px/repo', target, 'mirror/px3', {
          upstream: { reference: `${plain.host}/px/repo`, verifyTls: false, proxy: { httpProxy: proxy.url, httpsProxy: proxy.url, noProxy: 'example.com, 127.0.0.1' } },
        }),
      );
      const httpsWithHttpProxyOnly = await syncRepository(
        req(secure.host, 'px/repo', target, 'mirror/px4', {
          upstream: { reference: `${secure.host}/px/repo`, verifyTls: true, caBundle: secure.caCertificate, proxy: { httpProxy: proxy.url, httpsProxy: null, noProxy: null } },
        }),
      );
      assert.ok(synced(viaNoProxy) && synced(httpsWithHttpProxyOnly));
      assert.equal(proxy.requests.length, 0);
    } finally {
      await proxy.stop();
    }
  });

  it('proxies the target only when the target is configured with a proxy', async () => {
    const proxy = await startForwardProxy();
    try {
      const report = await syncRepository(
        req(plain.host, 'px/repo', target, 'mirror/px5', {
          target: { registryUrl: target.url, repository: 'mirror/px5', proxy: { httpProxy: proxy.url, httpsProxy: null, noProxy: null } },
        }),
      );
      assert.ok(synced(report), JSON.stringify(report.results));
      assert.deepEqual(proxy.targets(), new Set([target.host]));
    } finally {
      await proxy.stop();
    }
  });
});

describe('the SSRF guard at connect time', () => {
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  before(async () => {
    [upstream, target] = await Promise.all([startRegistry(), startRegistry()]);
    await pushImage(upstream, 'ssrf/repo', 'v1', { mediaType: 'oci', layers: [{ seed: 'ssrf', size: 5_000 }] });
  });
  after(() => Promise.all([upstream.stop(), target.stop()]));

  it('refuses a name that resolves to loopback when connecting, and allows it once allowlisted', async () => {
    const port = new URL(upstream.url).port;
    // A name that resolves to a loopback address at connect time (DNS rebinding after the first check).
    const lookup = ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
      if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
      else callback(null, '127.0.0.1', 4);
    }) as unknown as LookupFunction;
    const attempt = async (allowedHosts: string[]) => {
      const dispatcher = createRegistryDispatcher({ verifyTls: false, addressGuard: { allowedHosts, lookup } });
      try {
        const client = new RegistryClient({ host: `registry.example:${port}`, scheme: 'http', dispatcher, retry: { maxAttempts: 1, baseMs: 1, maxMs: 1 } });
        return await client.listTags('ssrf/repo');
      } finally {
        await dispatcher.close();
      }
    };
    await assert.rejects(attempt([]), { code: 'UPSTREAM_NOT_ALLOWED' });
    assert.deepEqual(await attempt(['registry.example']), ['v1']);
  });

  it('refuses a blob redirect to a private address that is not allowlisted', async () => {
    const redirecting = await startShapingProxy(upstream.url, {
      answer: (request, res) => {
        if (request.method !== 'GET' || !request.url?.includes('/blobs/sha256:')) return false;
        request.resume();
        res.writeHead(307, { location: `http://127.0.0.2:${new URL(upstream.url).port}${request.url}` }).end();
        return true;
      },
    });
    try {
      const report = await syncRepository(req(redirecting.host, 'ssrf/repo', target, 'mirror/ssrf'));
      assert.equal(report.results.length, 1);
      const result = report.results[0]!;
      assert.equal(result.kind, 'failed');
      assert.equal(result.kind === 'failed' && result.error.code, 'UPSTREAM_NOT_ALLOWED');
    } finally {
      await redirecting.stop();
    }
  });
});

describe('a token revoked in the middle of a run', () => {
  it('is renewed after the 401 and the copy completes', async () => {
    const upstream = await startRegistry({ token: { users: [{ username: 'puller', password: 'pull-secret' }] } });
    const target = await startRegistry();
    await pushImage(upstream, 'tok/repo', 'v1', { mediaType: 'oci', layers: [{ seed: 'tok-a', size: 30_000 }, { seed: 'tok-b', size: 30_000 }] });
    const revoked = new Set<string>();
    const seenTokens = new Set<string>();
    let refused = 0;
    // The registry cannot revoke a token; the proxy does it for the registry, answering with its challenge.
    const proxy = await startShapingProxy(upstream.url, {
      answer: (request, res) => {
        const auth = request.headers.authorization;
        if (auth?.startsWith('Bearer ')) seenTokens.add(auth);
        if (request.url?.includes('/blobs/') && revoked.size === 0) for (const t of seenTokens) revoked.add(t);
        if (!auth || !revoked.has(auth)) return false;
        refused++;
        request.resume();
        res
          .writeHead(401, {
            'www-authenticate': `Bearer realm="${upstream.tokenIssuer!.url}",service="ferry-test-registry",scope="repository:tok/repo:pull",error="invalid_token"`,
            'content-type': 'application/json',
          })
          .end('{"errors":[{"code":"UNAUTHORIZED","message":"token revoked"}]}');
        return true;
      },
    });
    try {
      const before = upstream.tokenIssuer!.requests.length;
      const report = await syncRepository(
        req(proxy.host, 'tok/repo', target, 'mirror/tok', { upstream: { reference: `${proxy.host}/tok/repo`, verifyTls: false, username: 'puller', password: 'pull-secret' } }),
      );
      assert.ok(synced(report), JSON.stringify(report.results));
      assert.ok(refused >= 1, 'the revoked token was presented and refused');
      const pullTokens = upstream.tokenIssuer!.requests.slice(before).filter((r) => r.scopes.includes('repository:tok/repo:pull'));
      assert.ok(pullTokens.length >= 2, `${pullTokens.length} pull tokens`);
      assert.deepEqual(await tagDigests(target, 'mirror/tok'), await tagDigests(upstream, 'tok/repo'));
    } finally {
      await proxy.stop();
      await Promise.all([upstream.stop(), target.stop()]);
    }
  });
});

describe("an upstream that reports its pull budget spent (Docker Hub's RateLimit-Remaining)", () => {
  it('slows down to one manifest GET at a time, pausing before each, and still copies every tag', async () => {
    const upstream = await startRegistry();
    const target = await startRegistry();
    const tags = ['a', 'b', 'c', 'd', 'e', 'f'];
    for (const tag of tags) await pushImage(upstream, 'rl/repo', tag, { mediaType: 'oci', layers: [{ seed: `rl-${tag}`, size: 1_000 }] });
    let manifestGets = 0;
    const proxy = await startShapingProxy(upstream.url, {
      answerHeaders: (request, headers) => {
        if (request.method !== 'GET' || !request.url?.includes('/manifests/')) return headers;
        manifestGets++;
        // The budget runs out with the first answer and comes back after four more GETs.
        return { ...headers, 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': manifestGets <= 4 ? '0;w=21600' : '50;w=21600' };
      },
    });
    try {
      const report = await syncRepository(req(proxy.host, 'rl/repo', target, 'mirror/rl', { rateLimitPauseSeconds: 0.02, tagConcurrency: 2 }));
      assert.ok(synced(report), JSON.stringify(report.results));
      assert.equal(report.results.length, tags.length);
      assert.ok((report.rateLimitWaits ?? 0) >= 1, `waits: ${report.rateLimitWaits}`);
      assert.deepEqual(await listTags(target, 'mirror/rl'), tags);
    } finally {
      await proxy.stop();
      await Promise.all([upstream.stop(), target.stop()]);
    }
  });

  it('paces a run whose own answers say nothing once another run sharing the budget saw it spent', async () => {
    const upstream = await startRegistry();
    const target = await startRegistry();
    await pushImage(upstream, 'rl/quiet', 'a', { mediaType: 'oci', layers: [{ seed: 'rl-quiet', size: 1_000 }] });
    let spent = true;
    const reports: boolean[] = [];
    const sharedBudget = { exhausted: () => spent, report: (e: boolean) => void reports.push((spent = e)) };
    try {
      const report = await syncRepository(req(upstream.host, 'rl/quiet', target, 'mirror/quiet', { rateLimitPauseSeconds: 0.02, upstreamRateLimit: sharedBudget }));
      assert.ok(synced(report), JSON.stringify(report.results));
      assert.equal(report.rateLimitWaits, 1, 'its one manifest GET waited');
      assert.deepEqual(reports, [], 'an answer without the header changes nothing');
    } finally {
      await Promise.all([upstream.stop(), target.stop()]);
    }
  });
});
