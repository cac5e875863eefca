// The schemas of these answers are `@ferry/api-schema`'s, which the console and the CLI read too.
export { CSRF_TOKEN, SIGNED_IN, SIGNED_OUT, type SignedInView } from '@ferry/api-schema';
