import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SchemeMemory } from './scheme-memory';

describe('SchemeMemory', () => {
  it('keeps what a host speaks for its time to live, and forgets it on request', () => {
    let now = 1_000;
    const memory = new SchemeMemory(60_000, () => now);
    assert.equal(memory.get('r.example:5000'), undefined);
    memory.set('r.example:5000', 'http');
    memory.set('other.example', 'https');
    assert.equal(memory.get('r.example:5000'), 'http');
    now += 59_999;
    assert.equal(memory.get('r.example:5000'), 'http');
    now += 1;
    assert.equal(memory.get('r.example:5000'), undefined, 'an answer past its time is probed again');
    memory.set('r.example:5000', 'http');
    memory.forget('r.example:5000');
    assert.equal(memory.get('r.example:5000'), undefined);
    assert.equal(memory.get('other.example'), undefined, 'expired too');
  });
});
