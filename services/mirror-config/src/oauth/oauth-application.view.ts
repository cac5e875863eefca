// The schemas of these answers are `@ferry/api-schema`'s, which the console and the CLI read too.
export { OAUTH_APPLICATION_LIST, OAUTH_APPLICATION_VIEW, CLIENT_KEY, USER_AUTHORIZATION, USER_AUTHORIZATION_LIST, APPLICATION_INFORMATION, type OAuthApplicationView, type UserAuthorizationView, type ApplicationInformationView } from '@ferry/api-schema';
