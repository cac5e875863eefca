import { Body, Controller, Get, Headers, HttpCode, Post, Query, Req } from '@nestjs/common';
import { requires } from '@ferry/identity';
import { parseAuthorization, type Credential } from '../auth/credential';
import { Requires } from '../auth/permission';
import { InvalidRequestError } from '../http/problem';
import { RegistryTokenService } from './registry-token.service';

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
  issue(@Query('service') service: string | string[] | undefined, @Query('scope') scope: string | string[] | undefined, @Headers('authorization') authorization: string | undefined, @Headers('x-request-id') requestId: string | undefined, @Req() req: Request) {
    if (Array.isArray(service)) throw new InvalidRequestError([{ field: 'service', message: 'must be given once' }]);
    // One scope parameter may carry several scopes separated by spaces.
    const scopes = list(scope).flatMap((s) => s.split(' ')).filter(Boolean);
    return this.tokens.issue({ credential: parseAuthorization(authorization), address: address(req), service, scopes, requestId });
  }

  /** The OAuth2 form newer clients post: `grant_type=password` with `username`, `password`, `service`, `scope`. */
  @Post()
  @HttpCode(200)
  @Requires(requires.public())
  async oauth(@Body() body: unknown, @Headers('authorization') authorization: string | undefined, @Headers('x-request-id') requestId: string | undefined, @Req() req: Request) {
    const form = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const text = (field: string) => (typeof form[field] === 'string' ? (form[field] as string) : undefined);
    const grant = text('grant_type');
    if (grant !== 'password') throw new InvalidRequestError([{ field: 'grant_type', message: 'must be "password" (Ferry issues no refresh tokens)' }]);
    const username = text('username');
    const password = text('password');
    const credential: Credential | null | undefined = username !== undefined && password !== undefined ? { kind: 'basic', username, secret: password } : parseAuthorization(authorization);
    const scopes = (text('scope') ?? '').split(' ').filter(Boolean);
    const answer = await this.tokens.issue({ credential, address: address(req), service: text('service'), scopes, requestId });
    return { access_token: answer.access_token, token_type: 'Bearer', expires_in: answer.expires_in, issued_at: answer.issued_at, scope: scopes.join(' ') };
  }
}
