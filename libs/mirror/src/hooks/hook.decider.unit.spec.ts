import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { HookEvent, NewEvent } from '@ferry/contracts';
import { hookDecider, type HookCommand } from './hook.decider';

function given(...events: NewEvent<HookEvent>[]) {
  const state = events.reduce((s, e) => hookDecider.evolve(s, e as HookEvent), hookDecider.initialState());
  return { when: (command: HookCommand) => hookDecider.decide(command, state) };
}
const created: NewEvent<HookEvent> = {
  type: 'HookCreated',
  data: { hookId: 'h1', namespace: 'ns', owner: { kind: 'mirror', mirrorId: 'ns/app' }, verification: 'bearer', secretHash: 'a'.repeat(64), sealedSecret: null },
};
const delivery: HookCommand = { kind: 'record-delivery', deliveryId: 'd1', sender: 'distribution', receivedAt: new Date('2026-01-01T00:00:00Z'), results: [] };

describe('a hook', () => {
  it('is created once', () => {
    assert.equal(given().when({ kind: 'create', ...created.data } as HookCommand)[0]?.type, 'HookCreated');
    assert.throws(() => given(created).when({ kind: 'create', ...created.data } as HookCommand), { code: 'HOOK_ALREADY_EXISTS' });
  });
  it('rotates its secret and records deliveries while it exists', () => {
    assert.equal(given(created).when({ kind: 'rotate-secret', secretHash: 'b'.repeat(64), sealedSecret: null })[0]?.type, 'HookSecretRotated');
    assert.deepEqual(given(created).when(delivery)[0]?.data, { hookId: 'h1', deliveryId: 'd1', sender: 'distribution', receivedAt: '2026-01-01T00:00:00.000Z', results: [] });
  });
  it('once deleted, records nothing and cannot be rotated or deleted again', () => {
    const deleted = given(created, { type: 'HookDeleted', data: { hookId: 'h1', namespace: 'ns' } });
    assert.throws(() => deleted.when(delivery), { code: 'HOOK_NOT_FOUND' });
    assert.throws(() => deleted.when({ kind: 'rotate-secret', secretHash: 'b', sealedSecret: null }), { code: 'HOOK_NOT_FOUND' });
    assert.throws(() => deleted.when({ kind: 'delete' }), { code: 'HOOK_NOT_FOUND' });
  });
});
