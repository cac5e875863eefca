import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { blobDataPath, fillTempDirectory, isStorableDigest, layerLinkPath, manifestRevisionLinkPath, tagCurrentLinkPath } from './registry-storage-layout';

const HEX = 'ab'.repeat(32);

describe("docker-registry's filesystem layout", () => {
  it('keeps a blob once, by digest, fanned out by its first two hex digits', () => {
    assert.equal(blobDataPath('/var/lib/registry', `sha256:${HEX}`), `/var/lib/registry/docker/registry/v2/blobs/sha256/ab/${HEX}/data`);
  });

  it("links a blob, a manifest and a tag in the repository's own folder, nested names included", () => {
    assert.equal(layerLinkPath('/r', 'cache/library/nginx', `sha256:${HEX}`), `/r/docker/registry/v2/repositories/cache/library/nginx/_layers/sha256/${HEX}/link`);
    assert.equal(manifestRevisionLinkPath('/r', 'cache/nginx', `sha256:${HEX}`), `/r/docker/registry/v2/repositories/cache/nginx/_manifests/revisions/sha256/${HEX}/link`);
    assert.equal(tagCurrentLinkPath('/r', 'cache/nginx', 'v1.2'), '/r/docker/registry/v2/repositories/cache/nginx/_manifests/tags/v1.2/current/link');
  });

  it('writes fills outside the tree the registry reads', () => {
    assert.equal(fillTempDirectory('/r'), '/r/ferry-front-fills');
  });

  it('makes a path only of a sha256 or sha512 digest in lowercase hex of its length', () => {
    assert.equal(isStorableDigest(`sha256:${HEX}`), true);
    assert.equal(isStorableDigest(`sha512:${'0f'.repeat(64)}`), true);
    for (const bad of [`sha256:${HEX.toUpperCase()}`, `sha256:${HEX}0`, 'sha256:../../etc', `md5:${HEX}`, `sha256:${HEX.slice(2)}/.`]) {
      assert.equal(isStorableDigest(bad), false, bad);
      assert.throws(() => blobDataPath('/r', bad));
    }
    assert.throws(() => tagCurrentLinkPath('/r', 'a/b', '../x'));
  });
});
