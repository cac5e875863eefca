import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError, DomainErrorCode, type ProxyCacheConfig } from '@ferry/contracts';
import { decideProxyCache, evolveProxyCache, initialProxyCacheState, type ProxyCacheState } from './proxy-cache.decider';

const CONFIG: ProxyCacheConfig = { upstreamRegistry: 'quay.io/projectquay', upstreamRegistryUsername: null, upstreamRegistryPassword: null, expirationS: 86_400, insecure: false, staleBoundS: 604_800 };
const meta = { id: 'e', schemaVersion: 1, occurredAt: '2026-01-01T00:00:00Z', aggregateId: 'hub', correlationId: 'c', causationId: 'c' };
const created: ProxyCacheState = evolveProxyCache(initialProxyCacheState(), { ...meta, type: 'ProxyCacheCreated', data: { organization: 'hub', config: CONFIG } });

describe("an organization's proxy-cache settings", () => {
  it('are created once: a second is refused as Quay refuses it', () => {
    assert.deepEqual(decideProxyCache({ kind: 'create', organization: 'hub', config: CONFIG }, initialProxyCacheState()), [{ type: 'ProxyCacheCreated', data: { organization: 'hub', config: CONFIG } }]);
    assert.throws(() => decideProxyCache({ kind: 'create', organization: 'hub', config: CONFIG }, created), (e: unknown) => e instanceof DomainError && e.code === DomainErrorCode.ProxyCacheAlreadyExists);
  });

  it('are deleted once, and may be created again after', () => {
    assert.deepEqual(decideProxyCache({ kind: 'delete' }, created), [{ type: 'ProxyCacheDeleted', data: { organization: 'hub' } }]);
    const deleted = evolveProxyCache(created, { ...meta, type: 'ProxyCacheDeleted', data: { organization: 'hub' } });
    assert.throws(() => decideProxyCache({ kind: 'delete' }, deleted), (e: unknown) => e instanceof DomainError && e.code === DomainErrorCode.ProxyCacheNotFound);
    assert.equal(decideProxyCache({ kind: 'create', organization: 'hub', config: CONFIG }, deleted).length, 1);
  });
});
