import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Causation } from '@ferry/event-store';
import { requires, type Caller } from '@ferry/identity';
import { Requires } from '../auth/permission';
import { Cause, CurrentCaller } from '../auth/request-caller';
import { answerWithWarning as answer } from '../http/quay-body';
import { Operation } from '../http/operation';
import { AUTHORIZE_APPLICATION_FORM, NEW_APPLICATION_BODY, UPDATE_APPLICATION_BODY } from './oauth-application.input';
import { OAuthApplicationService } from './oauth-application.service';
import { APPLICATION_INFORMATION, OAUTH_APPLICATION_LIST, OAUTH_APPLICATION_VIEW, USER_AUTHORIZATION, USER_AUTHORIZATION_LIST } from './oauth-application.view';

/** Quay's OAuth applications of an organization (`OrganizationApplications` and its siblings), for its admins (`org:admin`). */
@Controller('api/v1/organization')
export class OAuthApplicationController {
  constructor(private readonly applications: OAuthApplicationService) {}

  @Get(':namespace/applications')
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'The organization\'s OAuth applications, with their client secrets (Quay shows them to admins)', responses: { 200: OAUTH_APPLICATION_LIST } })
  list(@Param('namespace') namespace: string) {
    return this.applications.list(namespace);
  }

  /** Quay answers 200 with the new application, its client id and client secret. */
  @Post(':namespace/applications')
  @HttpCode(200)
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Creates an OAuth application: a new client id and client secret', body: NEW_APPLICATION_BODY, responses: { 200: OAUTH_APPLICATION_VIEW } })
  create(@Param('namespace') namespace: string, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answer(res, this.applications.create(namespace, body, cause));
  }

  @Get(':namespace/applications/:clientId')
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'One OAuth application of the organization, with its client secret', responses: { 200: OAUTH_APPLICATION_VIEW } })
  get(@Param('namespace') namespace: string, @Param('clientId') clientId: string) {
    return this.applications.get(namespace, clientId);
  }

  @Put(':namespace/applications/:clientId')
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Changes an OAuth application (name, URIs, description, avatar e-mail address)', body: UPDATE_APPLICATION_BODY, responses: { 200: OAUTH_APPLICATION_VIEW } })
  update(@Param('namespace') namespace: string, @Param('clientId') clientId: string, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answer(res, this.applications.update(namespace, clientId, body, cause));
  }

  @Delete(':namespace/applications/:clientId')
  @HttpCode(204)
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Deletes an OAuth application; every token it minted is refused from then on', responses: { 204: null } })
  async delete(@Param('namespace') namespace: string, @Param('clientId') clientId: string, @Cause() cause: Causation) {
    await this.applications.delete(namespace, clientId, cause);
  }

  @Post(':namespace/applications/:clientId/resetclientsecret')
  @HttpCode(200)
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Gives an OAuth application a new client secret (the tokens it minted still work, as in Quay)', responses: { 200: OAUTH_APPLICATION_VIEW } })
  resetClientSecret(@Param('namespace') namespace: string, @Param('clientId') clientId: string, @Cause() cause: Causation) {
    return this.applications.resetClientSecret(namespace, clientId, cause);
  }
}

/**
 * Quay's token grant (`POST /oauth/authorizeapp`), as its "Generate Token" page and API clients
 * (after `GET /csrf_token` and `POST /api/v1/signin`) post it: a form with the session cookie and
 * its CSRF token (`_csrf_token`, or the X-CSRF-Token header). The answer is a 302 whose Location
 * carries the token in its fragment. Quay takes only the session here; Ferry also takes the
 * credentials any other route takes.
 */
@Controller('oauth')
export class OAuthAuthorizeController {
  constructor(private readonly applications: OAuthApplicationService) {}

  /**
   * Minting a token needs `user:admin`, as `POST /user/apptoken` does: a session (with its CSRF
   * token, checked by the guard as for every change), a password, or an API token that holds it.
   */
  @Post('authorizeapp')
  @Requires(requires.signedIn('user:admin'))
  @Operation({
    summary: 'Mints an API token for an OAuth application of an organization the user administers (Quay\'s implicit grant, `response_type=token`)',
    description: 'Answers 302 to the redirect URI with `#access_token=…&token_type=Bearer&expires_in=…`, or with `?error=` (unsupported_response_type, unauthorized_client, invalid_scope). The token holds the scopes asked for and dies with the application.',
    body: AUTHORIZE_APPLICATION_FORM,
    bodyContentType: 'application/x-www-form-urlencoded',
    responses: { 302: null },
  })
  async authorize(@CurrentCaller() caller: Caller, @Body() form: unknown, @Req() req: Request, @Res() res: Response, @Cause() cause: Causation) {
    const { location } = await this.applications.authorize(caller, form, { host: req.headers.host }, cause);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Location', location);
    res.status(302).end();
  }
}

/** Quay's `/user/authorizations`: the tokens OAuth applications minted for the signed-in user, which the user may revoke. */
@Controller('api/v1/user/authorizations')
export class UserAuthorizationController {
  constructor(private readonly applications: OAuthApplicationService) {}

  @Get()
  @Requires(requires.signedIn('user:admin'))
  @Operation({ summary: 'The live tokens OAuth applications minted for the signed-in user, with their applications and scopes (never the tokens)', responses: { 200: USER_AUTHORIZATION_LIST } })
  list(@CurrentCaller() caller: Caller) {
    return this.applications.authorizations(caller);
  }

  @Get(':uuid')
  @Requires(requires.signedIn('user:admin'))
  @Operation({ summary: 'One token an OAuth application minted for the signed-in user', responses: { 200: USER_AUTHORIZATION } })
  get(@CurrentCaller() caller: Caller, @Param('uuid') uuid: string) {
    return this.applications.authorization(caller, uuid);
  }

  @Delete(':uuid')
  @HttpCode(204)
  @Requires(requires.signedIn('user:admin'))
  @Operation({ summary: 'Revokes a token an OAuth application minted for the signed-in user', responses: { 204: null } })
  async revoke(@CurrentCaller() caller: Caller, @Param('uuid') uuid: string, @Cause() cause: Causation) {
    await this.applications.revokeAuthorization(caller, uuid, cause);
  }
}

/** Quay's `GET /app/{client_id}` (`ApplicationInformation`). */
@Controller('api/v1/app')
export class ApplicationInformationController {
  constructor(private readonly applications: OAuthApplicationService) {}

  /** Quay answers anyone; Ferry a signed-in user (`user:read`), as for the entity lookup. */
  @Get(':clientId')
  @Requires(requires.signedIn('user:read'))
  @Operation({ summary: 'What an OAuth application says of itself (name, description, URI, organization), for a user asked to authorize it; never its secret', responses: { 200: APPLICATION_INFORMATION } })
  get(@CurrentCaller() caller: Caller, @Param('clientId') clientId: string) {
    return this.applications.information(caller, clientId);
  }
}
