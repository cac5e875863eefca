import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { aggregateSubject, AggregateKind, mirrorId, repositoryNameProblem, Visibility, type RepositoryState } from '@ferry/contracts';
import type { EventStore } from '@ferry/event-store';
import { grantedCatalogActions, grantedProxyCacheActions, grantedRepositoryActions, parseRegistryScope, repositoryRole, type Caller } from '@ferry/identity';
import type { ProjectionRunner } from '@ferry/read-models';
import { EVENT_STORE } from '@ferry/service-runtime';
import { Authenticator } from '../auth/authenticator';
import type { Credential } from '../auth/credential';
import { actorOf } from '../auth/request-caller';
import type { MirrorConfigServiceConfig } from '../config';
import { InvalidRequestError, NotFoundError } from '../http/problem';
import { GrantLookup } from '../auth/grant-lookup';
import { API_PROJECTIONS, SERVICE_CONFIG } from '../tokens';
import { ProxyCacheLookup } from '../proxy-cache/proxy-cache-lookup';
import { RegistryTokenQueries } from './registry-token-queries';
import { RegistryTokenSigner, type RegistryAccess } from './token-signer';

/** How long a refusal waits for the read models to catch up before it stands. */
const READ_MODEL_PATIENCE_MS = 3_000;

export interface TokenRequest {
  credential: Credential | null | undefined;
  address: string;
  service: string | undefined;
  scopes: string[];
  requestId: string | undefined;
}

/** A decided scope: what was asked, what is granted, on which repository (null: the catalog or a login). */
interface Decision {
  access: RegistryAccess;
  namespace: string | null;
  repository: string | null;
  requested: string[];
}

/**
 * The target registry's token service (the Docker registry token protocol): checks the caller's
 * credentials (a user's password or API token, a robot's token, or none), grants each scope the
 * subset of its actions the caller may have, and signs the answer. Every token is audited as a
 * `RegistryTokenIssued` event on the repository's registry subject (usage logs show it).
 */
@Injectable()
export class RegistryTokenService {
  private readonly signer: RegistryTokenSigner | undefined;

  constructor(
    private readonly queries: RegistryTokenQueries,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SERVICE_CONFIG) config: MirrorConfigServiceConfig,
    private readonly authenticator: Authenticator,
    private readonly grants: GrantLookup,
    @Inject(API_PROJECTIONS) private readonly projections: ProjectionRunner,
    private readonly proxyCaches: ProxyCacheLookup,
  ) {
    this.signer = config.registryTokens ? new RegistryTokenSigner(config.registryTokens) : undefined;
  }

  async issue(request: TokenRequest) {
    if (!this.signer) throw new NotFoundError('the registry token service is off: set FERRY_TOKEN_SIGNING_KEY and FERRY_TOKEN_SIGNING_CERT');
    if (request.service !== undefined && request.service !== this.signer.service) {
      throw new InvalidRequestError([{ field: 'service', message: `must be ${this.signer.service}, the service Ferry issues tokens for` }]);
    }
    if (request.scopes.length > 32) throw new InvalidRequestError([{ field: 'scope', message: 'asks for more than 32 scopes' }]);
    const caller = await this.authenticator.authenticate(request.credential, request.address);
    const scopes = request.scopes.map((raw) => {
      const scope = parseRegistryScope(raw);
      if (!scope) throw new InvalidRequestError([{ field: 'scope', message: `"${raw.slice(0, 100)}" is not type:name:actions` }]);
      return scope;
    });
    const decideAll = () => Promise.all(scopes.map((scope) => this.decide(caller, scope.type, scope.name, scope.actions)));
    let decisions = await decideAll();
    // A refusal may be only the read models trailing the log: a mirror set up a moment ago whose
    // first run, issued at once, asks to push before this process has projected the mirror. Decide
    // again once they have caught up with the log as it stands now (a few seconds at most).
    if (decisions.some((d) => d.access.actions.length < d.requested.length) && (await this.caughtUp())) decisions = await decideAll();
    const subject = caller?.username ?? '';
    const signed = await this.signer.sign(
      subject,
      decisions.filter((d) => d.access.actions.length > 0).map((d) => d.access),
    );
    await this.audit(caller, subject, decisions, new Date(Date.parse(signed.issuedAt) + signed.expiresIn * 1000).toISOString(), request.requestId);
    return { token: signed.token, access_token: signed.token, expires_in: signed.expiresIn, issued_at: signed.issuedAt };
  }

  /** True once the API's read models hold every event the log held when asked (false: they are still behind after the wait). */
  private async caughtUp(): Promise<boolean> {
    const head = await this.store.headPosition({ patient: false }).catch(() => null);
    return head !== null && this.projections.waitFor(head, READ_MODEL_PATIENCE_MS);
  }

  private async decide(caller: Caller | null, type: string, name: string, requested: string[]): Promise<Decision> {
    const refuse = (namespace: string | null, repository: string | null): Decision => ({ access: { type, name, actions: [] }, namespace, repository, requested });
    if (type === 'registry' && name === 'catalog') return { access: { type, name, actions: grantedCatalogActions(caller, requested) }, namespace: null, repository: null, requested };
    if (type !== 'repository') return refuse(null, null);
    const parts = name.split('/');
    // Ferry's repositories are namespace/name; deeper names are a proxy-cache organization's
    // alone (cache-hub/library/nginx pulls the upstream's library/nginx); anything else is no repository of Ferry's.
    if (parts.length < 2 || parts.some((p) => repositoryNameProblem(p))) return refuse(null, null);
    const [namespace, ...below] = parts as [string, ...string[]];
    const repository = below.join('/');
    if (parts.length > 2) {
      if (!(await this.proxyCaches.isProxyCache(namespace))) return refuse(null, null);
      const target = { namespace, repository };
      const grants = caller ? await this.grants.grantsOf(caller, target) : null;
      const role = caller && grants ? repositoryRole(caller, target, grants) : null;
      return { access: { type, name, actions: grantedProxyCacheActions(caller, role, grants?.team ?? null, requested) }, namespace, repository, requested };
    }
    const { repository: row, mirror } = await this.queries.repositoryFacts(namespace, repository);
    const target = { namespace, repository };
    const grants = caller ? await this.grants.grantsOf(caller, target) : null;
    const role = caller && grants ? repositoryRole(caller, target, grants) : null;
    // A proxy-cache organization's repositories exist once pulled: its members may pull any of them (Quay's rule).
    if (!row && (await this.proxyCaches.isProxyCache(namespace))) {
      return { access: { type, name, actions: grantedProxyCacheActions(caller, role, grants?.team ?? null, requested) }, namespace, repository, requested };
    }
    const facts = { state: (row?.state ?? null) as RepositoryState | null, visibility: row?.visibility ?? Visibility.Private, mirrorRobot: mirror?.robotUsername ?? null, role };
    return { access: { type, name, actions: grantedRepositoryActions(caller, facts, requested) }, namespace, repository, requested };
  }

  /** One usage-log entry per scope (or one for a token without any, as `docker login` asks): never the token itself. */
  private async audit(caller: Caller | null, subject: string, decisions: Decision[], expiresAt: string, requestId: string | undefined): Promise<void> {
    const id = requestId && /^[A-Za-z0-9._:-]{1,128}$/.test(requestId) ? requestId : randomUUID();
    const causation = { correlationId: id, causationId: id, actor: actorOf(caller) };
    const entries = decisions.length ? decisions : [{ access: { type: '', name: '', actions: [] }, namespace: null, repository: null, requested: [] } as Decision];
    for (const d of entries) {
      const aggregateId = d.namespace && d.repository ? mirrorId(d.namespace, d.repository) : d.access.type === 'registry' ? 'catalog' : 'login';
      await this.store.append(
        aggregateSubject(this.store.prefix, AggregateKind.Registry, aggregateId),
        [
          {
            type: 'RegistryTokenIssued',
            data: {
              service: this.signer!.service,
              namespace: d.namespace,
              repository: d.repository,
              subject,
              requested: d.requested,
              granted: d.access.actions,
              refused: d.requested.filter((a) => !d.access.actions.includes(a)),
              expiresAt,
            },
          },
        ],
        { ...causation, aggregateId },
      );
    }
  }
}
