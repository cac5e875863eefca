import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AggregateKind, HookVerification, type HookOwner } from '@ferry/contracts';
import type { Causation } from '@ferry/event-store';
import { mintToken, TokenKind } from '@ferry/identity';
import { hookDecider } from '@ferry/mirror';
import type { HookRow } from '@ferry/read-models';
import type { SecretBox } from '@ferry/secrets';
import { Commands } from '../commands';
import { InvalidRequestError, NotFoundError } from '../http/problem';
import { readBody } from '../http/request-body';
import { MirrorLookup, type TargetRepository } from '../mirror-lookup';
import { OrgMirrorQueries } from '../org-mirror/org-mirror-queries';
import { SECRET_BOX } from '../tokens';
import { HookQueries } from './hook-queries';
import { CREATE_HOOK_BODY } from './hook.input';
import { deliveryView, hookView, type HookView } from './hook.view';
import { UUID } from '../http/uuid';


/** Deliveries a hook's list shows, newest first. */
const DELIVERIES_SHOWN = 100;

/** Checks a path's hook id, answering 400 naming `hookId`. */
export function validHookId(hookId: string): string {
  if (!UUID.test(hookId)) throw new InvalidRequestError([{ field: 'hookId', message: 'must be a hook id (a lower-case UUID)' }]);
  return hookId;
}

/** Whose hooks a route manages: a repository mirror's or an organization mirror's. */
export type HookScope = { kind: 'mirror'; target: TargetRepository } | { kind: 'org-mirror'; organization: string };

/**
 * Upstream push hooks of a mirror or an organization mirror: made, listed, their secret rotated,
 * deleted, and their deliveries shown. A hook's secret is shown when it is made or rotated; then
 * only its hash is kept (and, for an HMAC hook, its sealed form).
 */
@Injectable()
export class HookService {
  constructor(
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    private readonly commands: Commands,
    private readonly mirrors: MirrorLookup,
    private readonly orgMirrors: OrgMirrorQueries,
    private readonly queries: HookQueries,
  ) {}

  async create(scope: HookScope, body: unknown, causation: Causation): Promise<HookView> {
    // No body at all is the default hook (`bearer`), as `curl -X POST` sends it.
    const { value } = readBody(CREATE_HOOK_BODY, body ?? {});
    const { owner, namespace } = await this.owner(scope);
    const hookId = randomUUID();
    const minted = mintToken(TokenKind.Hook);
    await this.commands.run(
      AggregateKind.Hook,
      hookId,
      hookDecider,
      { kind: 'create', hookId, namespace, owner, verification: value.verification, secretHash: minted.hash, sealedSecret: this.sealed(value.verification, minted.token) },
      causation,
    );
    return hookView(await this.find(scope, hookId), minted.token);
  }

  async list(scope: HookScope): Promise<{ hooks: HookView[] }> {
    const { owner } = await this.owner(scope);
    return { hooks: (await this.queries.hooksOf(owner)).map((row) => hookView(row)) };
  }

  async get(scope: HookScope, hookId: string): Promise<HookView> {
    return hookView(await this.find(scope, hookId));
  }

  /** A new secret; the old one is refused from the moment this answers. */
  async rotate(scope: HookScope, hookId: string, causation: Causation): Promise<HookView> {
    const row = await this.find(scope, hookId);
    const minted = mintToken(TokenKind.Hook);
    await this.commands.run(AggregateKind.Hook, hookId, hookDecider, { kind: 'rotate-secret', secretHash: minted.hash, sealedSecret: this.sealed(row.verification, minted.token) }, causation);
    return hookView(await this.find(scope, hookId), minted.token);
  }

  async delete(scope: HookScope, hookId: string, causation: Causation): Promise<void> {
    await this.find(scope, hookId);
    await this.commands.run(AggregateKind.Hook, hookId, hookDecider, { kind: 'delete' }, causation);
  }

  async deliveries(scope: HookScope, hookId: string) {
    await this.find(scope, hookId);
    return { deliveries: (await this.queries.deliveries(hookId, DELIVERIES_SHOWN)).map(deliveryView) };
  }

  /** Only an HMAC needs the secret itself to check a delivery: a bearer hook keeps its hash alone. */
  private sealed(verification: HookVerification, secret: string) {
    return verification === HookVerification.HmacSha256 ? this.secrets.seal(secret) : null;
  }

  private async owner(scope: HookScope): Promise<{ owner: HookOwner; namespace: string }> {
    if (scope.kind === 'mirror') {
      const row = await this.mirrors.find(scope.target);
      return { owner: { kind: 'mirror', mirrorId: row.mirrorId }, namespace: row.namespace };
    }
    if (!(await this.orgMirrors.exists(scope.organization))) throw new NotFoundError(`${scope.organization} has no organization mirror`);
    return { owner: { kind: 'org-mirror', organization: scope.organization }, namespace: scope.organization };
  }

  /** The scope's hook: a hook of another mirror is as absent as one that does not exist. */
  private async find(scope: HookScope, hookId: string): Promise<HookRow> {
    validHookId(hookId);
    const { owner } = await this.owner(scope);
    const row = await this.queries.ownedHook(owner, hookId);
    if (!row) throw new NotFoundError(`no hook ${hookId} here`);
    return row;
  }
}
