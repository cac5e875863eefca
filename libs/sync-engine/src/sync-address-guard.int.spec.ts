import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { LookupFunction } from 'node:net';
import { startRegistry, startForwardProxy, startShapingProxy, pushImage, listTags, type RunningRegistry } from '@ferry/testing';
import { RegistryClient, createRegistryDispatcher } from '@ferry/registry-client';
import { syncRepository } from './sync-repository';
import { testSyncRequest as req } from './sync-request.fixtures';

const synced = (report: { results: Array<{ kind: string }> }) => report.results.length > 0 && report.results.every((r) => r.kind === 'synced');
const viaHttpProxy = (url: string) => ({ httpProxy: url, httpsProxy: null, noProxy: null });

/**
 * One private-address guard (`@ferry/net-guard`) for everything an upstream makes the worker
 * dial: the registry, the mirror's proxy, the token realm, redirects. Every registry here is on
 * 127.0.0.1, so each test allowlists the upstream by `host:port` and leaves the rest out.
 */
describe('the address guard on what an upstream makes the worker dial', () => {
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  before(async () => {
    [upstream, target] = await Promise.all([startRegistry(), startRegistry()]);
    await pushImage(upstream, 'guard/repo', 'v1', { mediaType: 'oci', layers: [{ seed: 'guard', size: 5_000 }] });
  });
  after(() => Promise.all([upstream.stop(), target.stop()]));

  it('refuses a mirror proxy on 127.0.0.1 when connecting, unless 127.0.0.1 is allowlisted', async () => {
    const proxy = await startForwardProxy();
    try {
      const run = (ssrfAllowedHosts: string[], repo: string) =>
        syncRepository(req(upstream.host, 'guard/repo', target, repo, { ssrfAllowedHosts, upstream: { reference: `${upstream.host}/guard/repo`, verifyTls: false, proxy: viaHttpProxy(proxy.url) } }));
      // The upstream passes (its host:port is listed); the proxy, another port of 127.0.0.1, does not.
      await assert.rejects(run([upstream.host], 'mirror/refused'), { code: 'UPSTREAM_NOT_ALLOWED', retryable: false, message: /proxy 127\.0\.0\.1 is a loopback address/ });
      assert.equal(proxy.requests.length, 0, 'nothing was sent to the proxy');

      assert.ok(synced(await run(['127.0.0.1'], 'mirror/by-address')));
      assert.ok(synced(await run([upstream.host, new URL(proxy.url).host], 'mirror/by-host-port')));
      assert.deepEqual(proxy.targets(), new Set([upstream.host]));
      assert.deepEqual(await listTags(target, 'mirror/by-address'), ['v1']);
    } finally {
      await proxy.stop();
    }
  });

  it('refuses a proxy whose name resolves to loopback when it is dialled (after DNS)', async () => {
    const proxy = await startForwardProxy();
    const lookup = ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
      if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
      else callback(null, '127.0.0.1', 4);
    }) as unknown as LookupFunction;
    const attempt = async (allowedHosts: string[]) => {
      const proxyUrl = `http://proxy.example:${new URL(proxy.url).port}`;
      const dispatcher = createRegistryDispatcher({ verifyTls: false, proxy: viaHttpProxy(proxyUrl), addressGuard: { allowedHosts, lookup } });
      try {
        const client = new RegistryClient({ host: upstream.host, scheme: 'http', dispatcher, retry: { maxAttempts: 1, baseMs: 1, maxMs: 1 } });
        return await client.listTags('guard/repo');
      } finally {
        await dispatcher.close();
      }
    };
    try {
      await assert.rejects(attempt([upstream.host]), { code: 'UPSTREAM_NOT_ALLOWED', message: /proxy proxy\.example resolves to 127\.0\.0\.1/ });
      assert.equal(proxy.requests.length, 0);
      assert.deepEqual(await attempt([upstream.host, 'proxy.example']), ['v1']);
    } finally {
      await proxy.stop();
    }
  });

  it('refuses a redirect through the proxy to a loopback address that is not allowlisted', async () => {
    const proxy = await startForwardProxy();
    const elsewhere = `127.0.0.2:${new URL(upstream.url).port}`;
    const redirecting = await startShapingProxy(upstream.url, {
      answer: (request, res) => {
        if (request.method !== 'GET' || !request.url?.includes('/blobs/sha256:')) return false;
        request.resume();
        res.writeHead(307, { location: `http://${elsewhere}${request.url}` }).end();
        return true;
      },
    });
    try {
      const report = await syncRepository(
        req(redirecting.host, 'guard/repo', target, 'mirror/redirect', {
          ssrfAllowedHosts: ['127.0.0.1'],
          upstream: { reference: `${redirecting.host}/guard/repo`, verifyTls: false, proxy: viaHttpProxy(proxy.url) },
        }),
      );
      const result = report.results[0];
      assert.equal(result?.kind, 'failed', JSON.stringify(report.results));
      assert.equal(result?.kind === 'failed' && result.error.code, 'UPSTREAM_NOT_ALLOWED');
      assert.ok(proxy.targets().has(redirecting.host), 'the upstream went through the proxy');
      assert.ok(!proxy.targets().has(elsewhere), 'the redirect never reached the proxy');
    } finally {
      await Promise.all([redirecting.stop(), proxy.stop()]);
    }
  });

  it('refuses [::127.0.0.1] as an invalid reference, whatever the allowlist says', async () => {
    const port = new URL(upstream.url).port;
    await assert.rejects(syncRepository(req(`[::127.0.0.1]:${port}`, 'guard/repo', target, 'mirror/v4-in-v6', { ssrfAllowedHosts: ['127.0.0.1', '::127.0.0.1', '::/0'] })), {
      code: 'INVALID_REFERENCE',
    });
  });
});

describe('token realms', () => {
  it("refuses an upstream's realm on loopback unless allowlisted, and leaves the target's realm unchecked", async () => {
    const [upstream, target] = await Promise.all([startRegistry({ token: {} }), startRegistry({ token: {} })]);
    try {
      await pushImage(upstream, 'realm/repo', 'v1', { mediaType: 'oci', layers: [{ seed: 'realm', size: 5_000 }] });
      const realm = new URL(upstream.tokenIssuer!.url).host;
      const run = (ssrfAllowedHosts: string[]) => syncRepository(req(upstream.host, 'realm/repo', target, 'mirror/realm', { ssrfAllowedHosts }));

      const before = upstream.tokenIssuer!.requests.length;
      await assert.rejects(run([upstream.host]), { code: 'UPSTREAM_NOT_ALLOWED', retryable: false, message: /token service: upstream host 127\.0\.0\.1 is a loopback address/ });
      assert.equal(upstream.tokenIssuer!.requests.length, before, 'the realm was never asked');

      // The target's realm is on loopback too and in no allowlist: the target's dispatcher has no guard.
      assert.ok(synced(await run([upstream.host, realm])));
      assert.ok(target.tokenIssuer!.requests.length >= 1);
      assert.deepEqual(await listTags(target, 'mirror/realm'), ['v1']);
    } finally {
      await Promise.all([upstream.stop(), target.stop()]);
    }
  });
});
