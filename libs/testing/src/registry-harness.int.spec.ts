import { describe, it, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startRegistry, type RunningRegistry } from './registry-harness';
import { seedQuayExampleRepository, QUAY_EXAMPLE_TAGS, QUAY_EXAMPLE_INDEX_TAGS } from './image-seed';
import { listTags, manifestDigest, getManifest, blobExists } from './registry-api';
import { pushImage } from './image-builder';

describe('a freshly started anonymous registry seeded with the Quay example', () => {
  let registry: RunningRegistry;
  let digests: Record<string, string>;
  before(async () => {
    registry = await startRegistry();
    digests = await seedQuayExampleRepository(registry.url, 'ns/example');
  });
  after(() => registry.stop());

  it('lists every example tag and both index tags', async () => {
    assert.deepEqual(await listTags(registry.url, 'ns/example'), [...QUAY_EXAMPLE_TAGS, ...Object.values(QUAY_EXAMPLE_INDEX_TAGS)].sort());
  });

  it('answers each tag with the digest the seeder returned', async () => {
    for (const [tag, digest] of Object.entries(digests)) assert.equal(await manifestDigest(registry.url, 'ns/example', tag), digest);
  });

  it('holds the index children by digest', async () => {
    const index = await getManifest(registry.url, 'ns/example', QUAY_EXAMPLE_INDEX_TAGS.ociIndex);
    const children = (JSON.parse(index!.bytes.toString()) as { manifests: Array<{ digest: string }> }).manifests;
    assert.equal(children.length, 3);
    for (const c of children) assert.ok(await getManifest(registry.url, 'ns/example', c.digest));
  });

  it('seeds the same digests on a second registry (deterministic content)', async () => {
    const other = await startRegistry();
    try {
      assert.deepEqual(await seedQuayExampleRepository(other.url, 'ns/example'), digests);
    } finally {
      await other.stop();
    }
  });
});

describe('registries that require credentials', () => {
  it('accepts pushes with the htpasswd user and refuses anonymous reads', async () => {
    const registry = await startRegistry({ htpasswd: { username: 'alice', password: 's3cret' } });
    try {
      const image = await pushImage(registry, 'ns/private', 'v1', { mediaType: 'oci', layers: [{ seed: 'x', size: 100 }] });
      assert.equal(await manifestDigest(registry, 'ns/private', 'v1'), image.digest);
      await assert.rejects(manifestDigest(registry.url, 'ns/private', 'v1'), /HTTP 401/);
    } finally {
      await registry.stop();
    }
  });

  it('accepts pushes with a token from the harness issuer, which records the scopes', async () => {
    const registry = await startRegistry({ token: { users: [{ username: 'bob', password: 'pw' }] } });
    try {
      const image = await pushImage(registry, 'ns/tok', 'v1', { mediaType: 'docker', layers: [{ seed: 'y', size: 100 }] });
      assert.ok(await blobExists(registry, 'ns/tok', image.layerDigests[0]!));
      // docker-registry lists a scope's actions in map order: pull,push or push,pull.
      const pullPush = (scope: string) => /^repository:ns\/tok:(pull,push|push,pull)$/.test(scope);
      assert.ok(registry.tokenIssuer!.requests.some((r) => r.scopes.some(pullPush) && r.username === 'bob'));
    } finally {
      await registry.stop();
    }
  });
});
