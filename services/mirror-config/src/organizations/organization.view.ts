import { z } from 'zod';
// The schemas of these answers are `@ferry/api-schema`'s, which the console and the CLI read too.
export { ORGANIZATION_VIEW, type OrganizationView } from '@ferry/api-schema';

/** Quay answers a new organization with the word as a JSON string. */
export const ORGANIZATION_CREATED = { contentType: 'application/json', description: 'The JSON string `"Created"`, as Quay answers.', schema: z.literal('Created') };
