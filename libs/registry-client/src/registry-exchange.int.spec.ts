import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { pushImage, startRegistry, type RunningRegistry } from '@ferry/testing';
import { RegistryClient } from './registry-client';
import { createRegistryDispatcher } from './registry-dispatcher';
import { DispatcherPool } from './dispatcher-pool';
import { redactedUrl, type RegistryExchange } from './registry-transport';

describe('the exchanges a registry client reports', () => {
  let registry: RunningRegistry;
  before(async () => {
    registry = await startRegistry();
    await pushImage(registry, 'ex/app', 'v1', { mediaType: 'oci', layers: [{ seed: 'exchange', size: 1000 }] });
  });
  after(() => registry?.stop());

  function client(exchanges: RegistryExchange[]) {
    return new RegistryClient({ host: registry.host, scheme: 'http', dispatcher: createRegistryDispatcher({ verifyTls: false }), onExchange: (e) => void exchanges.push(e) });
  }

  it('reports a 404 to an existence check as an answer, a 404 elsewhere as a failure', async () => {
    const exchanges: RegistryExchange[] = [];
    const c = client(exchanges);
    assert.equal(await c.headManifest('ex/app', 'missing'), null);
    assert.equal(await c.headBlob('ex/app', `sha256:${'0'.repeat(64)}`), null);
    assert.equal(await c.listTags('ex/none', { missingOk: true }), null);
    assert.ok(await c.headManifest('ex/app', 'v1'));
    await assert.rejects(c.getManifest('ex/app', 'missing'), { code: 'MANIFEST_UNKNOWN' });
    assert.deepEqual(
      exchanges.map((e) => [e.method, new URL(e.url).pathname, e.status, e.errorCode]),
      [
        ['HEAD', '/v2/ex/app/manifests/missing', 404, undefined],
        ['HEAD', `/v2/ex/app/blobs/sha256:${'0'.repeat(64)}`, 404, undefined],
        ['GET', '/v2/ex/none/tags/list', 404, undefined],
        ['HEAD', '/v2/ex/app/manifests/v1', 200, undefined],
        ['GET', '/v2/ex/app/manifests/missing', 404, 'MANIFEST_UNKNOWN'],
      ],
    );
    for (const e of exchanges) assert.ok(e.startedAt > 0 && e.durationMs >= 0);
  });

  it('reports a request that got no answer with no status and its code', async () => {
    const exchanges: RegistryExchange[] = [];
    const c = new RegistryClient({ host: '127.0.0.1:1', scheme: 'http', dispatcher: createRegistryDispatcher({ verifyTls: false }), retry: { maxAttempts: 1, baseMs: 1, maxMs: 1 }, onExchange: (e) => void exchanges.push(e) });
    await assert.rejects(c.listTags('ex/app'));
    assert.equal(exchanges.length, 1);
    assert.equal(exchanges[0]!.status, null);
    assert.ok(exchanges[0]!.errorCode, 'a code says why');
  });
});

describe('a plain-http registry with TLS verification off (scheme auto)', () => {
  it('is probed once per worker, not once per run', async () => {
    const server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'ex/app', tags: ['v1'] }));
    });
    // A TLS handshake sent to a plain-http server is a malformed request to it: each probe is one.
    let probes = 0;
    server.on('clientError', (_error, socket) => {
      probes++;
      socket.destroy();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const pool = new DispatcherPool();
    const run = async (remembering: boolean) => {
      const lent = pool.lend({ verifyTls: false });
      try {
        return await new RegistryClient({ host, scheme: 'auto', ...(remembering ? { schemes: pool.schemes } : {}), dispatcher: lent.dispatcher }).listTags('ex/app');
      } finally {
        lent.release();
      }
    };
    try {
      assert.deepEqual(await run(true), ['v1']);
      assert.equal(probes, 1);
      assert.equal(pool.schemes.get(host), 'http');
      assert.deepEqual(await run(true), ['v1']);
      assert.deepEqual(await run(true), ['v1']);
      assert.equal(probes, 1, 'later runs speak http at once');
      assert.deepEqual(await run(false), ['v1']);
      assert.equal(probes, 2, 'without the memory, a run probes again');
    } finally {
      await pool.close();
      server.closeAllConnections();
      server.close();
    }
  });

  it('is probed again by the next run once a request to it cannot connect', async () => {
    const pool = new DispatcherPool();
    pool.schemes.set('127.0.0.1:1', 'http');
    const lent = pool.lend({ verifyTls: false });
    const c = new RegistryClient({ host: '127.0.0.1:1', scheme: 'auto', schemes: pool.schemes, dispatcher: lent.dispatcher, retry: { maxAttempts: 1, baseMs: 1, maxMs: 1 } });
    await assert.rejects(c.listTags('ex/app'));
    lent.release();
    assert.equal(pool.schemes.get('127.0.0.1:1'), undefined);
    await pool.close();
  });
});

describe('a URL in a report', () => {
  it('keeps paging, digests and mounts, and redacts other query values and user info', () => {
    assert.equal(
      redactedUrl(new URL('https://u:p@r.example/v2/a/blobs/uploads/1?_state=secret&digest=sha256%3Aab&X-Amz-Signature=s')),
      'https://r.example/v2/a/blobs/uploads/1?_state=REDACTED&digest=sha256%3Aab&X-Amz-Signature=REDACTED',
    );
    assert.equal(redactedUrl(new URL('http://r.example/v2/a/tags/list?n=100&last=v1')), 'http://r.example/v2/a/tags/list?n=100&last=v1');
  });
});
