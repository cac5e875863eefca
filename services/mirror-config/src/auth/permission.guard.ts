import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Metadata } from '@grpc/grpc-js';
import { allows, needsGrants, type Requirement, type Target } from '@ferry/identity';
import { GrantLookup } from './grant-lookup';
import { ForbiddenError, UnauthenticatedError } from '../http/problem';
import { Authenticator } from './authenticator';
import { httpCredential, parseAuthorization } from './credential';
import { PERMISSION } from './permission';
import { rememberCaller } from './request-caller';

type HttpRequest = {
  method?: string;
  headers: Record<string, string | string[] | undefined>;
  params?: Record<string, string>;
  body?: unknown;
  ip?: string;
  socket?: { remoteAddress?: string };
};

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** What the call names, in whichever form it came: HTTP path parameters (and the body for a create) or gRPC message fields. */
function targetOf(fields: Record<string, unknown>): Target {
  return { namespace: text(fields.namespace), repository: text(fields.repository), username: text(fields.username) };
}

/**
 * The one guard of every HTTP route and gRPC method: authenticates the caller, looks up what it
 * holds on what the call names, and applies the handler's declared requirement (`@Requires`).
 */
@Injectable()
export class PermissionGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly grants: GrantLookup,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const requirement = this.reflector.get<Requirement | undefined>(PERMISSION, context.getHandler());
    // Unreachable once the boot check has passed; closed all the same.
    if (!requirement) throw new ForbiddenError('this operation declares no permission, so nobody may call it');
    // A public route (the registry token service) checks what credentials it is sent itself.
    // A hook's delivery is checked against the hook's secret by its handler, first thing.
    if (requirement.kind === 'public' || requirement.kind === 'hook-secret') return true;
    const call = this.call(context);
    const caller = await this.authenticator.authenticate(call.credential, call.address);
    rememberCaller(call.key, caller);
    const grants = caller && needsGrants(requirement) ? await this.grants.grantsOf(caller, call.target) : { organization: null, repository: null };
    if (allows(requirement, caller, call.target, grants)) return true;
    if (caller === null) throw new UnauthenticatedError('this operation needs a signed-in caller: send Authorization: Bearer <token>', false);
    throw new ForbiddenError(`${caller.username} may not do this: it needs ${describeRequirement(requirement)}`);
  }

  private call(context: ExecutionContext): { key: object; credential: ReturnType<typeof parseAuthorization>; address: string; target: Target } {
    if (context.getType() === 'rpc') {
      const metadata = context.switchToRpc().getContext<Metadata>();
      const data = context.switchToRpc().getData<Record<string, unknown>>() ?? {};
      const header = metadata.get('authorization')[0];
      const peer = context.getArgByIndex<{ getPeer?: () => string } | undefined>(2)?.getPeer?.() ?? 'grpc';
      return { key: metadata, credential: parseAuthorization(typeof header === 'string' ? header : undefined), address: peer.replace(/:\d+$/, ''), target: targetOf(data) };
    }
    const request = context.switchToHttp().getRequest<HttpRequest>();
    const params = request.params ?? {};
    // Creating a repository names its namespace in the body (Quay's POST /repository).
    const body = typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, unknown>) : {};
    const fields = 'namespace' in params ? params : { namespace: body.namespace, ...params };
    return {
      key: request,
      // The Authorization header, else the web console's session cookie (and its CSRF header).
      credential: httpCredential(request.headers, request.method, body._csrf_token),
      address: request.ip ?? request.socket?.remoteAddress ?? 'unknown',
      target: targetOf(fields),
    };
  }
}

/** What a requirement asks of a caller, in words: the 403's detail and the OpenAPI document's. */
export function describeRequirement(requirement: Requirement): string {
  switch (requirement.kind) {
    case 'repository':
      return `${requirement.role} on the repository`;
    case 'organization':
      return `${requirement.role} on the organization`;
    case 'create-repository':
      return 'write on the organization and the repo:create scope';
    case 'self':
      return `to be that user, with the ${requirement.scope} scope`;
    case 'signed-in':
      return `the ${requirement.scope} scope`;
    case 'superuser':
      return 'a superuser with the super:user scope';
    case 'public':
      return 'nothing';
    case 'hook-secret':
      return 'the hook\'s own secret (Authorization: Bearer, ?secret=, or an X-Hub-Signature-256 HMAC of the body), no user\'s credential';
  }
}
