import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAuthChallenge } from './auth-challenge';
import { parseRepositoryReference } from './repository-reference';
import { retryDelayMs } from './retry-policy';
import { assertProxyAllowed, assertUpstreamAllowed } from './address-guard';
import { errorFromResponse } from './registry-error';
import { TokenAuthenticator } from './token-authenticator';
import type { Dispatcher } from 'undici';
import { parseManifest } from './manifest-document';
import { parseNoProxy, bypassesProxy } from './proxy-router';
import { parseRateLimitRemaining, RateLimitGate, type SharedRateLimit } from './rate-limit-gate';

describe('a WWW-Authenticate header', () => {
  it('yields the scheme and quoted parameters of a Bearer challenge', () => {
    assert.deepEqual(parseAuthChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"'), {
      scheme: 'bearer',
      params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull' },
    });
  });
  it('yields basic for a Basic challenge', () => {
    assert.equal(parseAuthChallenge('Basic realm="Registry Realm"').scheme, 'basic');
  });
});

describe('an upstream reference', () => {
  it('maps docker.io to registry-1.docker.io and adds library/ to official images', () => {
    assert.deepEqual(parseRepositoryReference('docker.io/nginx'), { host: 'registry-1.docker.io', hostname: 'registry-1.docker.io', port: undefined, repository: 'library/nginx' });
  });
  it('keeps a port and a nested path', () => {
    assert.deepEqual(parseRepositoryReference('quay.io:8443/coreos/etcd'), { host: 'quay.io:8443', hostname: 'quay.io', port: 8443, repository: 'coreos/etcd' });
  });
  it('takes an IPv6 literal in brackets, with or without a port', () => {
    assert.deepEqual(parseRepositoryReference('[FD00::5]:5000/a/b'), { host: '[fd00::5]:5000', hostname: 'fd00::5', port: 5000, repository: 'a/b' });
    assert.equal(parseRepositoryReference('[::1]/a').hostname, '::1');
  });
  it('refuses schemes, credentials and a missing path', () => {
    for (const bad of ['https://quay.io/a', 'user:pw@quay.io/a', 'quay.io', 'quay.io/A b']) assert.throws(() => parseRepositoryReference(bad), { code: 'INVALID_REFERENCE' });
  });
  it('refuses a bracketed host that is not an IPv6 literal of hex groups, and malformed ports', () => {
    for (const bad of ['[::127.0.0.1]/a/b', '[::127.0.0.1]:5000/a/b', '[::ffff:10.0.0.1]/a', '[1::2::3]/a', '[localhost]/a', '[]/a', 'a:b:c/a', 'quay.io:99999/a', 'quay.io:/a']) {
      assert.throws(() => parseRepositoryReference(bad), { code: 'INVALID_REFERENCE' }, bad);
    }
  });
});

describe('retry timing', () => {
  const policy = { maxAttempts: 5, baseMs: 100, maxMs: 1000 };
  it('honours Retry-After up to the cap', () => {
    assert.equal(retryDelayMs(policy, 1, 500), 500);
    assert.equal(retryDelayMs(policy, 1, 60_000), 1000);
  });
  it('grows exponentially with full jitter', () => {
    assert.equal(retryDelayMs(policy, 1, undefined, () => 1), 100);
    assert.equal(retryDelayMs(policy, 3, undefined, () => 1), 400);
    assert.equal(retryDelayMs(policy, 3, undefined, () => 0), 0);
    assert.equal(retryDelayMs(policy, 10, undefined, () => 1), 1000);
  });
});

describe('the upstream address guard', () => {
  it('refuses loopback, private, link-local and embedded forms with UPSTREAM_NOT_ALLOWED', async () => {
    for (const host of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '[::1]', '[fe80::1]', '[fd00::1]', '[::ffff:7f00:1]', '[64:ff9b::a00:1]', '[2002:a9fe:a9fe::1]', '[fec0::1]', '0.0.0.0', '100.64.0.1']) {
      await assert.rejects(assertUpstreamAllowed(`${host}:5000/ns/repo`, []), { code: 'UPSTREAM_NOT_ALLOWED' }, host);
    }
  });
  it('accepts public addresses', async () => {
    for (const host of ['8.8.8.8', '1.1.1.1', '[2606:4700::1111]', '[64:ff9b::808:808]']) await assertUpstreamAllowed(`${host}/ns/repo`, []);
  });
  it('refuses a loopback upstream unless its host, host:port, address or range is allowlisted', async () => {
    await assert.rejects(assertUpstreamAllowed('127.0.0.1:5000/ns/repo', []), { code: 'UPSTREAM_NOT_ALLOWED', message: /127\.0\.0\.1 is a loopback address/ });
    await assert.rejects(assertUpstreamAllowed('localhost:5000/ns/repo', []), { code: 'UPSTREAM_NOT_ALLOWED', message: /resolves to/ });
    await assertUpstreamAllowed('127.0.0.1:5000/ns/repo', ['127.0.0.1']);
    await assertUpstreamAllowed('127.0.0.1:5000/ns/repo', ['127.0.0.1:5000']);
    await assertUpstreamAllowed('127.0.0.1:5000/ns/repo', ['127.0.0.0/8']);
    await assertUpstreamAllowed('localhost:5000/ns/repo', ['localhost']);
    await assert.rejects(assertUpstreamAllowed('127.0.0.1:5001/ns/repo', ['127.0.0.1:5000']), { code: 'UPSTREAM_NOT_ALLOWED' });
  });
  it('refuses [::127.0.0.1] as an invalid reference before any address is judged', async () => {
    await assert.rejects(assertUpstreamAllowed('[::127.0.0.1]:5000/ns/repo', ['::127.0.0.1']), { code: 'INVALID_REFERENCE' });
  });
  it('refuses a proxy on a loopback, private or link-local address unless it is allowlisted', async () => {
    for (const proxy of ['http://127.0.0.1:3128', 'https://10.0.0.8/', 'http://[fe80::1]:8080', 'http://169.254.169.254']) {
      await assert.rejects(assertProxyAllowed(proxy, []), { code: 'UPSTREAM_NOT_ALLOWED', message: /^proxy / }, proxy);
    }
    await assertProxyAllowed('http://127.0.0.1:3128', ['127.0.0.1']);
    await assertProxyAllowed('http://127.0.0.1:3128', ['127.0.0.1:3128']);
    await assertProxyAllowed('http://10.0.0.8:3128', ['10.0.0.0/8']);
    await assertProxyAllowed('https://10.0.0.8/', ['10.0.0.8:443']);
    await assert.rejects(assertProxyAllowed('http://127.0.0.1:3128', ['127.0.0.1:8080']), { code: 'UPSTREAM_NOT_ALLOWED' });
    await assertProxyAllowed('http://8.8.8.8:3128', []);
    await assert.rejects(assertProxyAllowed('socks5://8.8.8.8', []), { code: 'INVALID_REFERENCE' });
  });
});

describe('a token realm', () => {
  it('that is not an http(s) URL is refused without dialling anything', async () => {
    const dispatcher = { dispatch: () => assert.fail('nothing may be dialled') } as unknown as Dispatcher;
    const auth = new TokenAuthenticator(undefined, dispatcher, { timeoutMs: 1000 });
    for (const realm of ['file:///etc/passwd', 'gopher://127.0.0.1:6379/_', 'not a url']) {
      await assert.rejects(auth.onUnauthorized(`Bearer realm="${realm}"`, 'repository:a/b:pull', undefined), { code: 'UNEXPECTED_RESPONSE' }, realm);
    }
  });
});

describe('an error answer', () => {
  it('carries the OCI code and is retryable only for throttling and server errors', () => {
    const e = errorFromResponse(404, '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}', 'GET x');
    assert.equal(e.code, 'MANIFEST_UNKNOWN');
    assert.equal(e.retryable, false);
    assert.equal(errorFromResponse(429, '', 'GET x', 3).retryable, true);
    assert.equal(errorFromResponse(503, '<html>', 'GET x').code, 'REGISTRY_UNAVAILABLE');
    assert.equal(errorFromResponse(401, '', 'GET x').retryable, false);
  });
});

describe('a manifest', () => {
  it('of an index lists its entries and refuses more than the limit', () => {
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ digest: 'sha256:a', size: 1, mediaType: 'x' }, { digest: 'sha256:b', size: 1, mediaType: 'x' }] }));
    assert.equal(parseManifest(index, '').manifests.length, 2);
    assert.throws(() => parseManifest(index, '', { maxManifestBytes: 1e6, maxIndexEntries: 1 }), { code: 'TOO_MANY_INDEX_ENTRIES' });
  });
  it('of an image lists config then layers', () => {
    const image = Buffer.from(JSON.stringify({ schemaVersion: 2, config: { digest: 'sha256:c', size: 1, mediaType: 'c' }, layers: [{ digest: 'sha256:l', size: 1, mediaType: 'l' }] }));
    assert.deepEqual(parseManifest(image, 'application/vnd.oci.image.manifest.v1+json').blobs.map((b) => b.digest), ['sha256:c', 'sha256:l']);
  });
});

describe('a no_proxy list', () => {
  const entries = parseNoProxy('example.com, .corp.internal,10.0.0.5:5000 ,[::1]');
  it('exempts a host, its subdomains, a host on one port, and a bracketed IPv6 address', () => {
    assert.ok(bypassesProxy(new URL('https://example.com/v2/'), entries));
    assert.ok(bypassesProxy(new URL('https://registry.example.com/v2/'), entries));
    assert.ok(bypassesProxy(new URL('https://a.corp.internal/v2/'), entries));
    assert.ok(bypassesProxy(new URL('http://10.0.0.5:5000/v2/'), entries));
    assert.ok(bypassesProxy(new URL('http://[::1]:5000/v2/'), entries));
  });
  it('does not exempt other hosts, other ports, or look-alike names', () => {
    assert.ok(!bypassesProxy(new URL('https://notexample.com/v2/'), entries));
    assert.ok(!bypassesProxy(new URL('http://10.0.0.5:5001/v2/'), entries));
    assert.ok(!bypassesProxy(new URL('https://quay.io/v2/'), entries));
  });
  it('exempts everything with *', () => {
    assert.ok(bypassesProxy(new URL('https://quay.io/v2/'), parseNoProxy('*')));
  });
});

describe("Docker Hub's RateLimit-Remaining header", () => {
  it('is read with or without the window', () => {
    assert.equal(parseRateLimitRemaining('0;w=21600'), 0);
    assert.equal(parseRateLimitRemaining('97'), 97);
    assert.equal(parseRateLimitRemaining(undefined), undefined);
  });
});

describe('a rate-limit budget shared between clients', () => {
  /** The sharing as the sync-workers see it, reduced to one flag (the real one is a JetStream KV bucket). */
  function sharedFlag(): SharedRateLimit & { reports: boolean[] } {
    let spent = false;
    const reports: boolean[] = [];
    return { reports, exhausted: () => spent, report: (e) => void reports.push((spent = e)) };
  }

  it('makes a client that never saw the limit pause once another reported it spent', async () => {
    const shared = sharedFlag();
    const waits: number[] = [];
    const seeing = new RateLimitGate(5, undefined, shared);
    const other = new RateLimitGate(5, (ms) => waits.push(ms), shared);
    (await other.acquire())();
    assert.deepEqual(waits, [], 'no pause while the budget lasts');
    seeing.observe({ 'ratelimit-remaining': '0;w=21600' });
    assert.deepEqual(shared.reports, [true]);
    (await other.acquire())();
    assert.deepEqual(waits, [5]);
  });

  it('reports only changes, and frees every sharer once an answer shows budget again', async () => {
    const shared = sharedFlag();
    const gate = new RateLimitGate(5, undefined, shared);
    gate.observe({ 'ratelimit-remaining': '0' });
    gate.observe({ 'ratelimit-remaining': '0' });
    gate.observe({ 'ratelimit-remaining': '40' });
    gate.observe({ 'ratelimit-remaining': '39' });
    gate.observe({});
    assert.deepEqual(shared.reports, [true, false]);
    assert.equal(shared.exhausted(), false);
  });
});
