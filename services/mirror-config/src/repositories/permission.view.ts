// The schemas of these answers are `@ferry/api-schema`'s, which the console and the CLI read too.
export { PERMISSION_LIST, PERMISSION_VIEW, type PermissionView } from '@ferry/api-schema';
