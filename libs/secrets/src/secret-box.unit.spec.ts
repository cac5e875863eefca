import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSecretBox, parseEncryptionKey, resealIfChanged } from './secret-box';

describe('a secret box', () => {
  const box = createSecretBox(randomBytes(32));
  it('opens what it sealed', () => {
    assert.equal(box.open(box.seal('hunter2')), 'hunter2');
  });
  it('never shows the plaintext in the sealed form', () => {
    const sealed = box.seal('hunter2-password');
    assert.doesNotMatch(JSON.stringify(sealed), /hunter2/);
    assert.doesNotMatch(Buffer.from(sealed.ciphertext, 'base64').toString('latin1'), /hunter2/);
  });
  it('seals the same text differently each time', () => {
    assert.notEqual(box.seal('x').ciphertext, box.seal('x').ciphertext);
  });
  it('refuses a secret sealed with another key', () => {
    const other = createSecretBox(randomBytes(32));
    assert.throws(() => box.open(other.seal('x')), { code: 'SECRET_UNDECRYPTABLE' });
  });
});

describe('parsing the configured key', () => {
  it('accepts 64 hex characters and base64 of 32 bytes', () => {
    const key = randomBytes(32);
    assert.deepEqual(parseEncryptionKey(key.toString('hex')), key);
    assert.deepEqual(parseEncryptionKey(key.toString('base64')), key);
  });
  it('refuses a short key', () => {
    assert.throws(() => parseEncryptionKey('abcd'), { code: 'SECRET_KEY_INVALID' });
  });
});

describe('a secret set again', () => {
  const box = createSecretBox(Buffer.alloc(32, 7));
  it('keeps the stored seal when the plaintext is the same, and seals a new one otherwise', () => {
    const stored = box.seal('hunter2');
    assert.equal(resealIfChanged(box, 'hunter2', stored), stored);
    const changed = resealIfChanged(box, 'hunter3', stored);
    assert.notDeepEqual(changed, stored);
    assert.equal(box.open(changed), 'hunter3');
    assert.equal(box.open(resealIfChanged(box, 'hunter2', null)), 'hunter2');
    // Sealed with another key (rotated): sealed again with this one.
    const other = createSecretBox(Buffer.alloc(32, 8)).seal('hunter2');
    assert.equal(resealIfChanged(box, 'hunter2', other).keyId, box.keyId);
  });
});
