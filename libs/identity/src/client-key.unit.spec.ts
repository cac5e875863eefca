import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { EncryptedSecret, PasswordHash } from '@ferry/contracts';
import { clientKeyMatches, isClientKey, mintClientKey, type Sealer } from './client-key';

/** AES-256-GCM as the secret box seals (the box lives in @ferry/secrets, which identity does not depend on). */
function sealer(key = randomBytes(32)): Sealer {
  const keyId = createHash('sha256').update(key).digest('hex').slice(0, 12);
  return {
    keyId,
    seal(plaintext: string): EncryptedSecret {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return { keyId, ciphertext: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64') };
    },
    open(secret: EncryptedSecret): string {
      const raw = Buffer.from(secret.ciphertext, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

const hash = (salt: string): PasswordHash => ({ algorithm: 'scrypt', cost: { N: 16, r: 1, p: 1 }, salt, hash: 'aGFzaA==' });

describe('client keys (Quay\'s encrypted passwords)', () => {
  const box = sealer();
  const password = hash('c2FsdDE=');

  it('opens for the user and the password it was made for, and holds neither the password nor its hash', () => {
    const key = mintClientKey(box, 'alice', password);
    assert.ok(isClientKey(key));
    assert.equal(clientKeyMatches(box, key, 'alice', password), true);
    assert.ok(!key.includes('aGFzaA') && !key.includes('alice'));
  });

  it('stops once the password changes (a new salt), and never works for another user', () => {
    const key = mintClientKey(box, 'alice', password);
    assert.equal(clientKeyMatches(box, key, 'alice', hash('c2FsdDI=')), false);
    assert.equal(clientKeyMatches(box, key, 'bob', password), false);
    assert.equal(clientKeyMatches(box, key, 'alice', null), false);
  });

  it('refuses a key sealed with another service key, a mangled one, and what is no key', () => {
    const key = mintClientKey(box, 'alice', password);
    assert.equal(clientKeyMatches(sealer(), key, 'alice', password), false);
    const flipped = key.slice(0, -2) + (key.endsWith('AA') ? 'AB' : 'AA');
    assert.equal(clientKeyMatches(box, flipped, 'alice', password), false);
    assert.equal(clientKeyMatches(box, 'a-long-password-1', 'alice', password), false);
    assert.equal(isClientKey('ferry_pat_abc'), false);
  });
});
