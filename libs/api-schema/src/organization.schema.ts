import { z } from 'zod';
import { responseSchema } from './response-schema';
import { AVATAR } from './quay.schema';

/** Quay's organization view; its admins see the contact address and the billing fields. */
export const ORGANIZATION_VIEW = responseSchema(
  'Organization',
  z.object({
    name: z.string(),
    email: z.string(),
    avatar: AVATAR,
    is_admin: z.boolean(),
    is_member: z.boolean(),
    invoice_email: z.boolean().optional(),
    invoice_email_address: z.null().optional(),
    tag_expiration_s: z.number().optional(),
    is_free_account: z.boolean().optional(),
  }),
);
export type OrganizationView = z.output<typeof ORGANIZATION_VIEW>;

