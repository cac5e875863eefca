import { Body, Controller, Get, Headers, HttpCode, Post, Query, Req } from '@nestjs/common';
import { requires } from '@ferry/identity';
import { parseAuthorization, type Credential } from '../auth/credential';
import { Requires } from '../auth/permission';
import { readQuery } from '../http/query';
import { readBody } from '../http/request-body';
import { Operation } from '../http/operation';
import { OAUTH_TOKEN_FORM, TOKEN_QUERY } from './registry-token.input';
import { RegistryTokenService } from './registry-token.service';
import { OAUTH_TOKEN, REGISTRY_TOKEN } from './registry-token.view';

type Request = { ip?: string; socket?: { remoteAddress?: string } };

const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : [value].flat());
const address = (req: Request) => req.ip ?? req.socket?.remoteAddress ?? 'unknown';

/**
 * The Docker registry token protocol at Quay's path, for a `docker-registry` configured with
 * `auth: token` whose realm is this route. Public, because anonymous callers get a token too (with
 * pulls of public repositories only); the service checks whatever credentials are sent.
 */
@Controller('v2/auth')
export class RegistryTokenController {
  constructor(private readonly tokens: RegistryTokenService) {}

  /** `GET /v2/auth?service=...&scope=...`, with Basic credentials or none (docker, skopeo, the worker). */
  @Get()
  @Requires(requires.public())
  @Operation({
    summary: 'A registry token (Docker\'s token protocol), for Basic credentials or none',
    description: 'Public: anonymous callers get pulls of public repositories only; each scope is granted the actions the caller may have.',
    query: TOKEN_QUERY,
    responses: { 200: REGISTRY_TOKEN },
  })
  issue(@Query('service') service: string | string[] | undefined, @Query('scope') scope: string | string[] | undefined, @Headers('authorization') authorization: string | undefined, @Headers('x-request-id') requestId: string | undefined, @Req() req: Request) {
    const query = readQuery(TOKEN_QUERY, { service, scope });
    // One scope parameter may carry several scopes separated by spaces.
    const scopes = list(query.scope).flatMap((s) => s.split(' ')).filter(Boolean);
    return this.tokens.issue({ credential: parseAuthorization(authorization), address: address(req), service: query.service, scopes, requestId });
  }

  /** The OAuth2 form newer clients post: `grant_type=password` with `username`, `password`, `service`, `scope`. */
  @Post()
  @HttpCode(200)
  @Requires(requires.public())
  @Operation({ summary: 'A registry token for the OAuth2 password grant', body: OAUTH_TOKEN_FORM, bodyContentType: 'application/x-www-form-urlencoded', responses: { 200: OAUTH_TOKEN } })
  async oauth(@Body() body: unknown, @Headers('authorization') authorization: string | undefined, @Headers('x-request-id') requestId: string | undefined, @Req() req: Request) {
    const form = readBody(OAUTH_TOKEN_FORM, typeof body === 'object' && body !== null ? body : {}).value;
    const { username, password } = form;
    const credential: Credential | null | undefined = username !== undefined && password !== undefined ? { kind: 'basic', username, secret: password } : parseAuthorization(authorization);
    const scopes = (form.scope ?? '').split(' ').filter(Boolean);
    const answer = await this.tokens.issue({ credential, address: address(req), service: form.service, scopes, requestId });
    return { access_token: answer.access_token, token_type: 'Bearer', expires_in: answer.expires_in, issued_at: answer.issued_at, scope: scopes.join(' ') };
  }
}
