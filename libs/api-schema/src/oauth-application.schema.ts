import { z } from 'zod';
import { responseSchema } from './response-schema';

/**
 * Quay's `app_view`: an organization's OAuth application. Its admins (the only ones who read it)
 * see the client secret, the redirect URI and the avatar e-mail address, as in Quay.
 */
export const OAUTH_APPLICATION_VIEW = responseSchema(
  'OAuthApplication',
  z.object({
    name: z.string(),
    description: z.string(),
    application_uri: z.string(),
    client_id: z.string(),
    client_secret: z.string().nullable(),
    redirect_uri: z.string().nullable(),
    avatar_email: z.string().nullable(),
  }),
);
export type OAuthApplicationView = z.output<typeof OAUTH_APPLICATION_VIEW>;

export const OAUTH_APPLICATION_LIST = responseSchema('OAuthApplicationList', z.object({ applications: z.array(OAUTH_APPLICATION_VIEW) }));

/** Quay's `POST /user/clientkey` answer: the encrypted password, in this answer only. */
export const CLIENT_KEY = responseSchema('ClientKey', z.object({ key: z.string() }));
