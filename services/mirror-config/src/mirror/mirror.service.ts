import { Inject, Injectable } from '@nestjs/common';
import { AggregateKind, DomainError, DomainErrorCode, type EncryptedSecret, type MirrorConfig } from '@ferry/contracts';
import type { Causation } from '@ferry/event-store';
import { mirrorDecider, type FieldProblem, type MirrorCommand, type MirrorState } from '@ferry/mirror';
import { MirrorRow } from '@ferry/read-models';
import { assertProxyAllowed, assertUpstreamAllowed } from '@ferry/registry-client';
import { resealIfChanged, type SecretBox } from '@ferry/secrets';
import { withSpan } from '@ferry/telemetry';
import { Commands } from '../commands';
import { InvalidRequestError, NotFoundError } from '../http/problem';
import { MirrorLookup, validateTarget, type TargetRepository } from '../mirror-lookup';
import { Namespaces } from '../namespaces';
import { RepositoryService } from '../repositories/repository.service';
import { RobotQueries } from '../robots/robot-queries';
import { OrgMirrorQueries } from '../org-mirror/org-mirror-queries';
import { parseMirrorInput, type MirrorDraft } from './mirror.input';
import { SECRET_BOX, SERVICE_CONFIG } from '../tokens';
import type { MirrorConfigServiceConfig } from '../config';

/** What a command answered with, and the fields of a Quay body it ignored (named in a `Warning`). */
export interface MirrorAnswer {
  row: MirrorRow;
  ignored: string[];
}

/** Mirror commands from the API: validate, check references, seal secrets, append, then read back. */
@Injectable()
export class MirrorService {
  constructor(
    private readonly lookup: MirrorLookup,
    private readonly namespaces: Namespaces,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    @Inject(SERVICE_CONFIG) private readonly config: MirrorConfigServiceConfig,
    private readonly commands: Commands,
    private readonly repositories: RepositoryService,
    private readonly robots: RobotQueries,
    private readonly orgMirrors: OrgMirrorQueries,
  ) {}

  /**
   * Quay's rule: in an organization with an organization mirror, repository mirrors are the
   * organization mirror's to manage (a 400 naming it, as Quay answers).
   */
  private async assertNotManaged(namespace: string): Promise<void> {
    if (await this.orgMirrors.exists(namespace)) {
      throw new DomainError(
        DomainErrorCode.ManagedByOrgMirror,
        `Repository mirror configuration cannot be managed when organization-level mirroring is configured: the organization mirror of ${namespace} manages its repositories' mirrors (change it at /api/v1/organization/${namespace}/mirror)`,
      );
    }
  }

  /**
   * Creates the mirror, and its repository when there is none (in state MIRROR, as Quay's mirror
   * POST sets it), and gives the robot write on it.
   */
  async create(target: TargetRepository, body: unknown, causation: Causation): Promise<MirrorAnswer> {
    const id = validateTarget(target);
    const parsed = parseMirrorInput(body, target, null);
    if (!parsed.ok) throw new InvalidRequestError(parsed.problems);
    await this.namespaces.assertExists(target.namespace);
    await this.assertNotManaged(target.namespace);
    await this.checkReferences(parsed.draft, null);
    if (await this.lookup.exists(id)) {
      // Refused before the repository is touched; the decider refuses it again under contention.
      throw new DomainError(DomainErrorCode.MirrorAlreadyExists, 'this repository already has a mirror; use PUT to change it');
    }
    await this.repositories.prepareForMirror(target, parsed.draft.robotUsername, causation);
    const password = parsed.password.action === 'set' ? this.secrets.seal(parsed.password.plaintext) : null;
    const config: MirrorConfig = { ...parsed.draft, externalRegistryPassword: password };
    return { row: await this.run(id, { kind: 'create', mirrorId: id, config, now: new Date() }, causation, 'mirror.create'), ignored: parsed.ignored };
  }

  async update(target: TargetRepository, body: unknown, causation: Causation): Promise<MirrorAnswer> {
    const id = validateTarget(target);
    const state = await this.commands.state(AggregateKind.Mirror, id, mirrorDecider);
    const current = this.current(state, id);
    await this.assertNotManaged(target.namespace);
    // Validate against what is stored now, so a 400 is answered before any reference check.
    const draft = this.merge(body, current, target);
    await this.checkReferences(draft.draft, current);
    if (draft.draft.robotUsername !== current.robotUsername) await this.repositories.prepareForMirror(target, draft.draft.robotUsername, causation);
    const row = await this.run(
      id,
      (fresh: MirrorState) => {
        const latest = this.current(fresh, id);
        const merged = this.merge(body, latest, target);
        return { kind: 'update', config: { ...merged.draft, externalRegistryPassword: merged.password }, now: new Date() };
      },
      causation,
      'mirror.update',
    );
    return { row, ignored: draft.ignored };
  }

  async delete(target: TargetRepository, causation: Causation): Promise<void> {
    const id = validateTarget(target);
    await this.assertNotManaged(target.namespace);
    await this.run(id, { kind: 'delete' }, causation, 'mirror.delete');
  }

  async syncNow(target: TargetRepository, causation: Causation): Promise<MirrorRow> {
    const id = validateTarget(target);
    return this.run(id, { kind: 'request-sync-now' }, causation, 'mirror.sync-now');
  }

  async cancel(target: TargetRepository, causation: Causation): Promise<MirrorRow> {
    const id = validateTarget(target);
    return this.run(id, { kind: 'cancel', now: new Date() }, causation, 'mirror.sync-cancel');
  }

  /**
   * The stored settings with a body's changes applied, validated as a PUT would be but not
   * stored: what a preview runs with (no body: the settings as they are). For a repository
   * without a mirror, the body is a whole create body, validated as a POST would be.
   */
  async settingsWith(target: TargetRepository, body: unknown): Promise<{ mirrorId: string; config: MirrorConfig; state: MirrorState }> {
    const id = validateTarget(target);
    const state = await this.commands.state(AggregateKind.Mirror, id, mirrorDecider);
    const empty = body === undefined || body === null || (typeof body === 'object' && Object.keys(body).length === 0);
    if (!empty && (!state.config || state.deleted)) return { mirrorId: id, config: await this.unsavedMirror(target, body), state };
    const current = this.current(state, id);
    if (empty) return { mirrorId: id, config: current, state };
    const merged = this.merge(body, current, target);
    await this.checkReferences(merged.draft, current);
    return { mirrorId: id, config: { ...merged.draft, externalRegistryPassword: merged.password }, state };
  }

  /**
   * A repository without a mirror: a create body's settings, validated and checked as POST
   * .../mirror checks them, with the password sealed in memory only. Nothing is stored.
   */
  private async unsavedMirror(target: TargetRepository, body: unknown): Promise<MirrorConfig> {
    const parsed = parseMirrorInput(body, target, null);
    if (!parsed.ok) throw new InvalidRequestError(parsed.problems);
    await this.namespaces.assertExists(target.namespace);
    await this.assertNotManaged(target.namespace);
    await this.checkReferences(parsed.draft, null);
    return { ...parsed.draft, externalRegistryPassword: parsed.password.action === 'set' ? this.secrets.seal(parsed.password.plaintext) : null };
  }

  private current(state: MirrorState, id: string): MirrorConfig {
    if (!state.config || state.deleted) throw new NotFoundError(`no mirror is configured for ${id}`);
    return state.config;
  }

  private merge(body: unknown, current: MirrorConfig, target: TargetRepository): { draft: MirrorDraft; password: EncryptedSecret | null; ignored: string[] } {
    const { externalRegistryPassword, ...base } = current;
    const parsed = parseMirrorInput(body, target, base, externalRegistryPassword !== null);
    if (!parsed.ok) throw new InvalidRequestError(parsed.problems);
    const change = parsed.password;
    const password = change.action === 'set' ? resealIfChanged(this.secrets, change.plaintext, externalRegistryPassword) : change.action === 'clear' ? null : externalRegistryPassword;
    return { draft: parsed.draft, password, ignored: parsed.ignored };
  }

  /**
   * The robot must exist, and neither the upstream nor the mirror's proxies may be on an internal
   * address (SSRF) that FERRY_SSRF_ALLOWED_HOSTS does not list. Only what changed is checked.
   */
  private async checkReferences(draft: MirrorDraft, current: MirrorConfig | null): Promise<void> {
    const problems: FieldProblem[] = [];
    if (draft.robotUsername !== current?.robotUsername && !(await this.robots.exists(draft.robotUsername))) {
      problems.push({ field: 'robot_username', message: `names no robot; create ${draft.robotUsername} first` });
    }
    const allowed = this.config.ssrfAllowedHosts;
    const proxy = draft.externalRegistryConfig.proxy;
    const was = current?.externalRegistryConfig.proxy;
    const checks: Array<[field: string, changed: boolean, check: () => Promise<void>]> = [
      ['external_reference', draft.externalReference !== current?.externalReference, () => assertUpstreamAllowed(draft.externalReference, allowed)],
      ['external_registry_config.proxy.http_proxy', !!proxy.httpProxy && proxy.httpProxy !== was?.httpProxy, () => assertProxyAllowed(proxy.httpProxy!, allowed)],
      ['external_registry_config.proxy.https_proxy', !!proxy.httpsProxy && proxy.httpsProxy !== was?.httpsProxy, () => assertProxyAllowed(proxy.httpsProxy!, allowed)],
    ];
    for (const [field, changed, check] of checks) {
      if (!changed) continue;
      try {
        await check();
      } catch (error) {
        const code = (error as { code?: string }).code;
        // A name that does not resolve now may resolve when the run comes; the worker checks again.
        if (code === 'UPSTREAM_UNREACHABLE') continue;
        if (code !== 'UPSTREAM_NOT_ALLOWED' && code !== 'INVALID_REFERENCE') throw error;
        problems.push({ field, message: (error as Error).message });
      }
    }
    this.failIfAny(problems);
  }

  private failIfAny(problems: FieldProblem[]): void {
    if (problems.length) throw new InvalidRequestError(problems);
  }

  private async run(
    id: string,
    command: MirrorCommand | ((state: MirrorState) => MirrorCommand),
    causation: Causation,
    spanName: string,
  ): Promise<MirrorRow> {
    return withSpan(spanName, async (span) => {
      span.setAttribute('ferry.mirror_id', id);
      await this.commands.run(AggregateKind.Mirror, id, mirrorDecider, command, causation);
      const row = await this.lookup.row(id);
      return row ?? Object.assign(new MirrorRow(), { mirrorId: id });
    });
  }
}
