import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compilePlatformFilter, parsePlatformSpec } from './platform-filter';

const entry = (architecture: string, variant?: string, os = 'linux') => ({ mediaType: 'm', digest: 'd', size: 1, platform: { os, architecture, variant } });

describe('an architecture filter', () => {
  it('reads arch, arch/variant, os/arch and os/arch/variant', () => {
    assert.deepEqual(parsePlatformSpec('amd64'), { architecture: 'amd64' });
    assert.deepEqual(parsePlatformSpec('arm/v7'), { architecture: 'arm', variant: 'v7' });
    assert.deepEqual(parsePlatformSpec('linux/arm64'), { os: 'linux', architecture: 'arm64' });
    assert.deepEqual(parsePlatformSpec('linux/arm64/v8'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
  });
  it('that is empty lets everything through', () => {
    assert.equal(compilePlatformFilter([]), null);
  });
  it('matches on os, architecture and variant where given', () => {
    const f = compilePlatformFilter(['amd64', 'arm/v7', 'windows/arm64'])!;
    assert.equal(f(entry('amd64')), true);
    assert.equal(f(entry('arm', 'v7')), true);
    assert.equal(f(entry('arm', 'v6')), false);
    assert.equal(f(entry('arm64')), false);
    assert.equal(f(entry('arm64', undefined, 'windows')), true);
    assert.equal(f({ mediaType: 'm', digest: 'd', size: 1 }), false);
  });
});
