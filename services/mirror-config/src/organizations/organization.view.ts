// The schemas of these answers are `@ferry/api-schema`'s, which the console and the CLI read too.
export { ORGANIZATION_VIEW, type OrganizationView } from '@ferry/api-schema';

/** Quay answers a new organization with the word; Ferry sends it as it is, as text. */
export const ORGANIZATION_CREATED = { contentType: 'text/html', description: 'The word `Created`, as Quay answers.' };
