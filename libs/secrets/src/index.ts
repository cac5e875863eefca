export { type SecretBox, createSecretBox, resealIfChanged, parseEncryptionKey, SecretKeyError, SecretDecryptError } from './secret-box';
