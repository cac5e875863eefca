import { z } from 'zod';
import { organizationNameProblem } from '@ferry/contracts';
import { requestSchema } from '../http/operation';
import { EMAIL_ADDRESS, obeying, quayObject, text } from '../http/request-body';

/** Sent by Quay's clients; accepted and ignored (Ferry bills nobody and expires no tags). */
const IGNORED = z.unknown().optional().meta({ description: 'Accepted for Quay\'s clients and ignored.' });

/** POST /organization/: Quay's body; `contact_email` wins over `email`. */
export const CREATE_ORGANIZATION_BODY = requestSchema(
  'CreateOrganizationRequest',
  quayObject({
    name: obeying(text(255, 'is required'), organizationNameProblem),
    email: EMAIL_ADDRESS.optional(),
    contact_email: EMAIL_ADDRESS.optional(),
    recaptcha_response: IGNORED,
  }),
  { quay: true },
);

/** PUT /organization/{namespace}: only the contact address changes. */
export const UPDATE_ORGANIZATION_BODY = requestSchema(
  'UpdateOrganizationRequest',
  quayObject({ email: EMAIL_ADDRESS.optional(), contact_email: EMAIL_ADDRESS.optional(), invoice_email: IGNORED, invoice_email_address: IGNORED, tag_expiration_s: IGNORED }),
  { quay: true },
);
