import { createHash, timingSafeEqual } from 'node:crypto';
import type { EncryptedSecret, PasswordHash } from '@ferry/contracts';

/** What sealing needs of the secret box (`@ferry/secrets`): the service's key, never stored with the data. */
export interface Sealer {
  readonly keyId: string;
  seal(plaintext: string): EncryptedSecret;
  open(secret: EncryptedSecret): string;
}

/** The prefix of Ferry's encrypted passwords, so they are told apart from passwords and tokens (and secret scanners find them). */
export const CLIENT_KEY_PREFIX = 'ferry_ckey_';
const SHAPE = /^ferry_ckey_[A-Za-z0-9_-]{40,1024}$/;

/**
 * Which password a key stands for, without the password: a digest of its stored hash, whose salt
 * is new on every change. So a key outlives nothing but the password it was made for.
 */
function passwordFingerprint(password: PasswordHash): string {
  return createHash('sha256').update(`${password.salt}:${password.hash}`, 'utf8').digest('base64url');
}

const plaintextFor = (username: string, password: PasswordHash) => `ferry-client-key\0v1\0${username}\0${passwordFingerprint(password)}`;

/**
 * Quay's encrypted password (`POST /user/clientkey`): a credential `docker login` takes in place
 * of the password. Unlike Quay's, it does not hold the password: it is the user's name and a
 * fingerprint of the current password hash, sealed (AES-256-GCM) with the service's key. Nothing
 * of it is stored, so the database alone can neither show nor forge one; it works until the
 * password changes (or the key does).
 */
export function mintClientKey(box: Sealer, username: string, password: PasswordHash): string {
  return CLIENT_KEY_PREFIX + Buffer.from(box.seal(plaintextFor(username, password)).ciphertext, 'base64').toString('base64url');
}

export function isClientKey(candidate: string): boolean {
  return SHAPE.test(candidate);
}

/** Whether `key` was made for this user and the password it has now. */
export function clientKeyMatches(box: Sealer, key: string, username: string, password: PasswordHash | null): boolean {
  if (!password || !isClientKey(key)) return false;
  let opened: string;
  try {
    opened = box.open({ keyId: box.keyId, ciphertext: Buffer.from(key.slice(CLIENT_KEY_PREFIX.length), 'base64url').toString('base64') });
  } catch {
    // Not sealed with this service's key (forged, mangled, or from before a key change).
    return false;
  }
  const expected = Buffer.from(plaintextFor(username, password));
  const actual = Buffer.from(opened);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
