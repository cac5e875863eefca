import { z } from 'zod';
import { responseSchema } from './response-schema';
import { NAMESPACE_QUOTA_REPORT, QUOTA_VIEW } from './quota.schema';
import { AVATAR } from './quay.schema';
import { ORGANIZATION_TEAM } from './team.schema';

/** Quay's organization view; its admins see the contact address and the billing fields. */
export const ORGANIZATION_VIEW = responseSchema(
  'Organization',
  z.object({
    name: z.string(),
    email: z.string(),
    avatar: AVATAR,
    is_admin: z.boolean(),
    is_member: z.boolean(),
    /** For its members: its teams by name, and their names in the order they were made. */
    teams: z.record(z.string(), ORGANIZATION_TEAM).optional(),
    ordered_teams: z.array(z.string()).optional(),
    invoice_email: z.boolean().optional(),
    invoice_email_address: z.null().optional(),
    tag_expiration_s: z.number().optional(),
    is_free_account: z.boolean().optional(),
    /** For its members, as Quay: its quota (at most one) and what its repositories hold. */
    quotas: z.array(QUOTA_VIEW).optional(),
    quota_report: NAMESPACE_QUOTA_REPORT.optional(),
  }),
);
export type OrganizationView = z.output<typeof ORGANIZATION_VIEW>;

