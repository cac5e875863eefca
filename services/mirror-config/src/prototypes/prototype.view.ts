// The schemas of these answers are `@ferry/api-schema`'s, which the console and the CLI read too.
export { PROTOTYPE_LIST, PROTOTYPE_VIEW, type PrototypeView } from '@ferry/api-schema';
