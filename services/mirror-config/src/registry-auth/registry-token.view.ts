// The schemas of these answers are `@ferry/api-schema`'s, which the console and the CLI read too.
export { OAUTH_TOKEN, REGISTRY_TOKEN } from '@ferry/api-schema';
