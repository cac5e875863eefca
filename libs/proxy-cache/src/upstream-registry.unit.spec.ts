import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseUpstreamRegistry, upstreamBaseUrl, upstreamRepository } from './upstream-registry';

describe("Quay's upstream_registry", () => {
  it('names a host (with its port) and a namespace the repositories sit under', () => {
    assert.deepEqual(parseUpstreamRegistry('quay.io/projectquay'), { host: 'quay.io', namespace: 'projectquay' });
    assert.deepEqual(parseUpstreamRegistry('127.0.0.1:5000/library/'), { host: '127.0.0.1:5000', namespace: 'library' });
    assert.deepEqual(parseUpstreamRegistry('ghcr.io'), { host: 'ghcr.io', namespace: '' });
  });

  it("reads Docker Hub's names as the host its API answers on", () => {
    assert.deepEqual(parseUpstreamRegistry('docker.io/library'), { host: 'registry-1.docker.io', namespace: 'library' });
  });

  it('maps a repository of the organization to the upstream one, over HTTPS unless insecure', () => {
    const hub = { host: 'registry-1.docker.io', namespace: 'library' };
    assert.equal(upstreamRepository(hub, 'nginx'), 'library/nginx');
    assert.equal(upstreamRepository({ host: 'ghcr.io', namespace: '' }, 'x'), 'x');
    assert.equal(upstreamBaseUrl(hub, false), 'https://registry-1.docker.io');
    assert.equal(upstreamBaseUrl({ host: '127.0.0.1:5000', namespace: '' }, true), 'http://127.0.0.1:5000');
  });

  it('refuses a scheme, a bad host, a bad path or nothing, saying what is wrong', () => {
    for (const bad of ['', 'https://quay.io', 'quay..io', 'quay.io/Upper', 'quay.io:99999']) assert.equal(typeof parseUpstreamRegistry(bad), 'string', bad);
  });
});
