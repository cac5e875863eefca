import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEvent, encodeEvent } from './event-codec';

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const mirrorEvent = (type: string, config: Record<string, unknown>) => ({
  id: '00000000-0000-4000-8000-000000000001',
  type,
  schemaVersion: 1,
  occurredAt: '2026-01-01T00:00:00.000Z',
  data: { mirrorId: 'ns/repo', config: { namespace: 'ns', repository: 'repo', ...config }, nextSyncAt: '2026-01-01T01:00:00.000Z' },
});

describe('decoding events stored before the tag rule existed', () => {
  for (const type of ['MirrorCreated', 'MirrorUpdated']) {
    it(`${type}: tagPatterns become a glob rule, and tagPatterns are gone`, () => {
      const event = decodeEvent(bytes(mirrorEvent(type, { tagPatterns: ['v3.*', 'latest'] })), 7, 'ferry.mirror.x');
      assert.ok(event.type === 'MirrorCreated' || event.type === 'MirrorUpdated');
      assert.deepEqual(event.data.config.tagRule, { include: [{ kind: 'glob', patterns: ['v3.*', 'latest'] }], exclude: [] });
      assert.equal('tagPatterns' in event.data.config, false);
      assert.equal(event.data.config.namespace, 'ns');
      assert.equal(event.position, 7);
    });
  }
  it('leaves an event that already has a rule as it is', () => {
    const tagRule = { include: [{ kind: 'semver', range: '>=1.2' }], exclude: [{ kind: 'regex', pattern: '.*-rc.*' }], keepNewest: { count: 3, by: 'semver' } };
    const stored = mirrorEvent('MirrorUpdated', { tagRule });
    const event = decodeEvent(bytes(stored), 1, 's');
    assert.ok(event.type === 'MirrorUpdated');
    assert.deepEqual(event.data.config.tagRule, tagRule);
  });
  it('decodes what it encodes to the same event', () => {
    const once = decodeEvent(bytes(mirrorEvent('MirrorCreated', { tagPatterns: ['*'] })), 1, 's');
    const { position: _p, subject: _s, ...event } = once;
    const twice = decodeEvent(encodeEvent(event as never), 1, 's');
    assert.deepEqual(twice, once);
  });
  it('leaves other events alone', () => {
    const event = decodeEvent(bytes({ id: 'x', type: 'MirrorDeleted', schemaVersion: 1, occurredAt: 'now', data: { mirrorId: 'ns/repo' } }), 1, 's');
    assert.deepEqual(event.data, { mirrorId: 'ns/repo' });
  });
});
