export { RegistryTokenSigner, type RegistryAccess } from '@ferry/service-runtime';
