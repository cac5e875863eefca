export { type SecretBox, createSecretBox, parseEncryptionKey, SecretKeyError, SecretDecryptError } from './secret-box';
