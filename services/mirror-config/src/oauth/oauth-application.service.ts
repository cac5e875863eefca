import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AggregateKind } from '@ferry/contracts';
import type { Causation } from '@ferry/event-store';
import {
  CLIENT_ID_LENGTH,
  CLIENT_SECRET_LENGTH,
  errorRedirect,
  mintToken,
  oauthApplicationDecider,
  oauthApplicationId,
  organizationRole,
  parseScopeString,
  randomAlphanumeric,
  redirectUriAllowed,
  tokenRedirect,
  TokenKind,
  userDecider,
  type Caller,
} from '@ferry/identity';
import type { ApiTokenRow, OAuthApplicationRow } from '@ferry/read-models';
import type { SecretBox } from '@ferry/secrets';
import { GrantLookup } from '../auth/grant-lookup';
import { Commands } from '../commands';
import { InvalidRequestError, NotFoundError } from '../http/problem';
import { readBody } from '../http/request-body';
import { SECRET_BOX } from '../tokens';
import { OAuthApplicationQueries } from './oauth-application-queries';
import { AUTHORIZE_APPLICATION_FORM, NEW_APPLICATION_BODY, UPDATE_APPLICATION_BODY } from './oauth-application.input';
import type { ApplicationInformationView, OAuthApplicationView, UserAuthorizationView } from './oauth-application.view';
import { scopeInformation } from './scope-information';

/** Quay's lifetime of a token an application mints (`DEFAULT_TOKEN_EXPIRATION_SECONDS`): ten years. */
export const APPLICATION_TOKEN_SECONDS = Math.trunc(60 * 60 * 24 * 365.25 * 10);
/** Quay's own landing page for tokens its "Generate Token" page asks for (`LOCAL_OAUTH_HANDLER`). */
export const LOCAL_OAUTH_HANDLER = '/oauth/localapp';

/** Where the implicit grant answers: a redirect, as Quay's provider does for success and for OAuth errors. */
export interface AuthorizeAnswer {
  location: string;
}

/**
 * Quay's OAuth applications of an organization and the token grant its clients use
 * (`POST /oauth/authorizeapp`, `response_type=token`). The client secret is sealed with the
 * service's key and shown to the organization's admins, as Quay shows it; a token an application
 * mints is an ordinary scoped API token of the user, marked with the application, refused once the
 * application is deleted (Quay deletes them with it) and kept when its secret is reset (as Quay).
 */
@Injectable()
export class OAuthApplicationService {
  constructor(
    private readonly queries: OAuthApplicationQueries,
    private readonly commands: Commands,
    private readonly grants: GrantLookup,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
  ) {}

  async list(organization: string): Promise<{ applications: OAuthApplicationView[] }> {
    await this.assertOrganization(organization);
    return { applications: (await this.queries.applicationsOf(organization)).map((row) => this.view(row)) };
  }

  async get(organization: string, clientId: string): Promise<OAuthApplicationView> {
    return this.view(await this.find(organization, clientId));
  }

  /** Quay answers 200 with the application, its new client id and client secret. */
  async create(organization: string, body: unknown, causation: Causation): Promise<{ view: OAuthApplicationView; ignored: string[] }> {
    const { value: fields, ignored } = readBody(NEW_APPLICATION_BODY, body);
    await this.assertOrganization(organization);
    const clientId = randomAlphanumeric(CLIENT_ID_LENGTH);
    const command = {
      kind: 'create' as const,
      organization,
      clientId,
      clientSecret: this.secrets.seal(randomAlphanumeric(CLIENT_SECRET_LENGTH)),
      name: fields.name,
      description: fields.description ?? '',
      applicationUri: fields.application_uri ?? '',
      redirectUri: fields.redirect_uri ?? '',
      avatarEmail: fields.avatar_email ?? null,
    };
    await this.commands.run(AggregateKind.OAuthApplication, oauthApplicationId(organization, clientId), oauthApplicationDecider, command, causation);
    return { view: await this.get(organization, clientId), ignored };
  }

  /** Quay's PUT sets every field; a description or avatar left out becomes empty. What changes nothing appends nothing. */
  async update(organization: string, clientId: string, body: unknown, causation: Causation): Promise<{ view: OAuthApplicationView; ignored: string[] }> {
    const { value: fields, ignored } = readBody(UPDATE_APPLICATION_BODY, body);
    await this.find(organization, clientId);
    const command = {
      kind: 'update' as const,
      name: fields.name,
      description: fields.description ?? '',
      applicationUri: fields.application_uri,
      redirectUri: fields.redirect_uri,
      avatarEmail: fields.avatar_email ?? null,
    };
    await this.commands.run(AggregateKind.OAuthApplication, oauthApplicationId(organization, clientId), oauthApplicationDecider, command, causation);
    return { view: await this.get(organization, clientId), ignored };
  }

  /** A new client secret; the tokens the application minted still work, as in Quay. */
  async resetClientSecret(organization: string, clientId: string, causation: Causation): Promise<OAuthApplicationView> {
    await this.find(organization, clientId);
    const clientSecret = this.secrets.seal(randomAlphanumeric(CLIENT_SECRET_LENGTH));
    await this.commands.run(AggregateKind.OAuthApplication, oauthApplicationId(organization, clientId), oauthApplicationDecider, { kind: 'reset-client-secret', clientSecret }, causation);
    return this.get(organization, clientId);
  }

  /**
   * The application and every token it minted: the authenticator refuses them from the moment
   * the application is gone; each is then revoked on its user (the usage logs show it, and the
   * user's tokens no longer list it).
   */
  async delete(organization: string, clientId: string, causation: Causation): Promise<void> {
    await this.find(organization, clientId);
    await this.commands.run(AggregateKind.OAuthApplication, oauthApplicationId(organization, clientId), oauthApplicationDecider, { kind: 'delete' }, causation);
    for (const username of await this.queries.holdersOfTokensFrom(clientId)) {
      await this.commands.run(AggregateKind.User, username, userDecider, { kind: 'revoke-application-tokens', application: { organization, clientId } }, causation);
    }
  }

  /** Every application of an organization, deleted with it. */
  async deleteAllOf(organization: string, causation: Causation): Promise<void> {
    for (const row of await this.queries.applicationsOf(organization)) await this.delete(organization, row.clientId, causation);
  }

  /**
   * Quay's implicit grant (`POST /oauth/authorizeapp` with `response_type=token`) for the signed-in
   * user, who must administer the application's organization (Quay's rule): a token with the
   * scopes asked for, sent in the redirect's fragment. A redirect URI Ferry may not send to is a
   * 400 (never a redirect); the OAuth errors after it are redirects, as in Quay.
   */
  async authorize(caller: Caller, form: unknown, origin: { host: string | undefined }, causation: Causation): Promise<AuthorizeAnswer> {
    const fields = readBody(AUTHORIZE_APPLICATION_FORM, typeof form === 'object' && form !== null ? form : {}).value;
    if (!fields.client_id) throw new InvalidRequestError([{ field: 'client_id', message: 'is required: the application\'s client id' }]);
    const app = await this.queries.application(fields.client_id);
    if (!app) throw new InvalidRequestError([{ field: 'client_id', message: 'names no OAuth application' }]);
    const redirectUri = fields.redirect_uri ?? '';
    if (!isLocalHandler(redirectUri, origin.host) && !redirectUriAllowed(app.redirectUri, redirectUri)) {
      throw new InvalidRequestError([{ field: 'redirect_uri', message: `must be ${LOCAL_OAUTH_HANDLER} on this host or under the application's redirect URI` }]);
    }
    if ((fields.response_type ?? 'code') !== 'token') return { location: errorRedirect(redirectUri, 'unsupported_response_type') };
    const isAdmin = caller.kind === 'user' && organizationRole(caller, await this.grants.grantsOf(caller, { namespace: app.organization })) === 'admin';
    if (!isAdmin) return { location: errorRedirect(redirectUri, 'unauthorized_client') };
    const scopes = parseScopeString(fields.scope);
    if (!scopes) return { location: errorRedirect(redirectUri, 'invalid_scope') };
    const minted = mintToken(TokenKind.User);
    await this.commands.run(
      AggregateKind.User,
      caller.username,
      userDecider,
      {
        kind: 'create-token',
        tokenId: randomUUID(),
        title: app.name,
        scopes,
        expiresAt: new Date(Date.now() + APPLICATION_TOKEN_SECONDS * 1000).toISOString(),
        tokenHash: minted.hash,
        application: { organization: app.organization, clientId: app.clientId },
      },
      causation,
    );
    return { location: tokenRedirect(redirectUri, { accessToken: minted.token, expiresIn: APPLICATION_TOKEN_SECONDS, scope: fields.scope ?? '', state: fields.state ?? null }) };
  }

  /**
   * Quay's `GET /app/{client_id}`: what a user asked to authorize an application is shown of it
   * (never its secret or redirect URI), with its organization as Quay's `org_view` without teams.
   */
  async information(caller: Caller, clientId: string): Promise<ApplicationInformationView> {
    const app = await this.queries.application(clientId);
    if (!app) throw new NotFoundError(`no application ${clientId.slice(0, 100)}`);
    const grants = await this.grants.grantsOf(caller, { namespace: app.organization });
    const role = organizationRole(caller, grants);
    return {
      name: app.name,
      description: app.description,
      uri: app.applicationUri,
      avatar: avatar(app.name, 'app'),
      organization: { name: app.organization, email: '', avatar: avatar(app.organization, 'org'), is_admin: role === 'admin', is_member: role !== null, teams: {}, ordered_teams: [] },
    };
  }

  // ---- the user's authorizations (Quay's /user/authorizations): the tokens applications minted for them

  async authorizations(caller: Caller): Promise<{ authorizations: UserAuthorizationView[] }> {
    return { authorizations: (await this.queries.authorizationsOf(caller.username)).map(({ token, application }) => authorizationView(token, application)) };
  }

  async authorization(caller: Caller, uuid: string): Promise<UserAuthorizationView> {
    const found = (await this.queries.authorizationsOf(caller.username)).find(({ token }) => token.tokenId === uuid);
    if (!found) throw new NotFoundError(`no authorization ${uuid.slice(0, 100)}`);
    return authorizationView(found.token, found.application);
  }

  /** The user revokes a token an application minted for them (204; 404 the second time). */
  async revokeAuthorization(caller: Caller, uuid: string, causation: Causation): Promise<void> {
    await this.authorization(caller, uuid);
    await this.commands.run(AggregateKind.User, caller.username, userDecider, { kind: 'revoke-token', tokenId: uuid }, causation);
  }

  private view(row: OAuthApplicationRow): OAuthApplicationView {
    return {
      name: row.name,
      description: row.description,
      application_uri: row.applicationUri,
      client_id: row.clientId,
      client_secret: this.secrets.open(row.clientSecret),
      redirect_uri: row.redirectUri,
      avatar_email: row.avatarEmail,
    };
  }

  private async find(organization: string, clientId: string): Promise<OAuthApplicationRow> {
    await this.assertOrganization(organization);
    const row = await this.queries.application(clientId);
    if (!row || row.organization !== organization) throw new NotFoundError(`no application ${clientId.slice(0, 100)} in ${organization}`);
    return row;
  }

  private async assertOrganization(name: string): Promise<void> {
    if (!(await this.queries.organizationExists(name))) throw new NotFoundError(`no organization ${name}`);
  }
}

const avatar = (name: string, kind: string) => ({ name, hash: '', color: '#0066cc', kind });

/** Quay's `authorization_view`. */
function authorizationView(token: ApiTokenRow, application: OAuthApplicationRow): UserAuthorizationView {
  return {
    application: {
      name: application.name,
      description: application.description,
      url: application.applicationUri,
      avatar: avatar(application.name, 'app'),
      organization: { name: application.organization, avatar: avatar(application.organization, 'org') },
    },
    scopes: scopeInformation(token.scopes),
    uuid: token.tokenId,
  };
}

/** Quay's own handler on this host (`<app url>/oauth/localapp`), by either scheme: a proxy in front may end TLS. */
function isLocalHandler(redirectUri: string, host: string | undefined): boolean {
  if (!host) return false;
  return redirectUri === `https://${host}${LOCAL_OAUTH_HANDLER}` || redirectUri === `http://${host}${LOCAL_OAUTH_HANDLER}`;
}
