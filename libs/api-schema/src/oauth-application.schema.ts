import { z } from 'zod';
import { responseSchema } from './response-schema';
import { AVATAR } from './quay.schema';

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

/** Quay's `authorization_view`: a token an OAuth application minted for the user, with what its scopes allow. */
export const USER_AUTHORIZATION = responseSchema(
  'UserAuthorization',
  z.object({
    application: z.object({ name: z.string(), description: z.string(), url: z.string(), avatar: AVATAR, organization: z.object({ name: z.string(), avatar: AVATAR }) }),
    scopes: z.array(z.object({ scope: z.string(), title: z.string(), description: z.string(), icon: z.string(), dangerous: z.boolean() })),
    uuid: z.string(),
  }),
);
export type UserAuthorizationView = z.output<typeof USER_AUTHORIZATION>;

export const USER_AUTHORIZATION_LIST = responseSchema('UserAuthorizationList', z.object({ authorizations: z.array(USER_AUTHORIZATION) }));

/** Quay's `GET /app/{client_id}`: what an application says of itself, for a user asked to authorize it. */
export const APPLICATION_INFORMATION = responseSchema(
  'OAuthApplicationInformation',
  z.object({
    name: z.string(),
    description: z.string(),
    uri: z.string(),
    avatar: AVATAR,
    organization: z.object({
      name: z.string(),
      email: z.string(),
      avatar: AVATAR,
      is_admin: z.boolean(),
      is_member: z.boolean(),
      teams: z.record(z.string(), z.unknown()),
      ordered_teams: z.array(z.string()),
    }),
  }),
);
export type ApplicationInformationView = z.output<typeof APPLICATION_INFORMATION>;
