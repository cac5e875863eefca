import { z } from 'zod';
import { ISO_TIME } from './quay.schema';
import { responseSchema } from './response-schema';

/** A sign-in's answer: the session itself is in the httpOnly cookie, never in a body. */
export const SIGNED_IN = responseSchema(
  'SignedIn',
  z.object({
    success: z.literal(true),
    username: z.string(),
    expires_at: ISO_TIME.meta({ description: 'When the session ends (FERRY_SESSION_SECONDS after the sign-in).' }),
    csrf_token: z.string().meta({ description: 'Send it as X-CSRF-Token on every POST, PUT and DELETE made with the session cookie; also in the ferry_csrf cookie.' }),
  }),
);
export type SignedInView = z.output<typeof SIGNED_IN>;

export const SIGNED_OUT = responseSchema('SignedOut', z.object({ success: z.literal(true) }));

/** Quay's `GET /csrf_token`: the token a password sign-in sends back as X-CSRF-Token. */
export const CSRF_TOKEN = responseSchema('CsrfToken', z.object({ csrf_token: z.string() }));
