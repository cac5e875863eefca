import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { EncryptedSecret } from '@ferry/contracts';

const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretKeyError extends Error {
  readonly code = 'SECRET_KEY_INVALID' as const;
}

export class SecretDecryptError extends Error {
  readonly code = 'SECRET_UNDECRYPTABLE' as const;
  constructor(keyId: string, options?: ErrorOptions) {
    super(`secret encrypted with key ${keyId} cannot be decrypted with the configured key`, options);
  }
}

/** Encrypts upstream credentials at rest (AES-256-GCM); the plaintext leaves only through `open`. */
export interface SecretBox {
  readonly keyId: string;
  seal(plaintext: string): EncryptedSecret;
  open(secret: EncryptedSecret): string;
}

/**
 * A secret set again: the stored one when it opens to the same plaintext (sealing draws a fresh IV,
 * so sealing again would look like a change and a rerun of the same PUT would append an event).
 */
export function resealIfChanged(box: SecretBox, plaintext: string, current: EncryptedSecret | null): EncryptedSecret {
  if (current && current.keyId === box.keyId) {
    try {
      if (box.open(current) === plaintext) return current;
    } catch (error) {
      if (!(error instanceof SecretDecryptError)) throw error;
    }
  }
  return box.seal(plaintext);
}

/**
 * Parses `FERRY_ENCRYPTION_KEY`: 32 bytes as 64 hex characters or as base64.
 * The key id is a digest prefix, so a sealed secret names the key without revealing it.
 */
export function parseEncryptionKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new SecretKeyError('the encryption key must be 32 bytes, as 64 hex characters or base64');
  return key;
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new SecretKeyError('the encryption key must be 32 bytes');
  const keyId = createHash('sha256').update(key).digest('hex').slice(0, 12);
  return {
    keyId,
    seal(plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return { keyId, ciphertext: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64') };
    },
    open(secret) {
      const raw = Buffer.from(secret.ciphertext, 'base64');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch (cause) {
        throw new SecretDecryptError(secret.keyId, { cause });
      }
    },
  };
}
