import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { aggregateSubject, AggregateKind, mirrorId as toMirrorId, type EncryptedSecret, type MirrorConfig } from '@ferry/contracts';
import { handleCommand, loadState, type Causation, type EventStore } from '@ferry/event-store';
import {
  mirrorDecider,
  parseMirrorInput,
  repositoryNameProblem,
  robotDecider,
  type FieldProblem,
  type MirrorCommand,
  type MirrorDraft,
  type MirrorState,
} from '@ferry/mirror';
import { MirrorRow, type ProjectionRunner } from '@ferry/read-models';
import { assertUpstreamAllowed } from '@ferry/registry-client';
import type { SecretBox } from '@ferry/secrets';
import { DATA_SOURCE, EVENT_STORE } from '@ferry/service-runtime';
import { withSpan } from '@ferry/telemetry';
import { InvalidRequestError, NotFoundError } from '../http/problem';
import { API_PROJECTIONS, SECRET_BOX, SERVICE_CONFIG } from '../tokens';
import type { MirrorConfigServiceConfig } from '../config';

export interface TargetRepository {
  namespace: string;
  repository: string;
}

/** Mirror commands from the API: validate, check references, seal secrets, append, then read back. */
@Injectable()
export class MirrorService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    @Inject(API_PROJECTIONS) private readonly projections: ProjectionRunner,
    @Inject(SERVICE_CONFIG) private readonly config: MirrorConfigServiceConfig,
  ) {}

  private subject(id: string): string {
    return aggregateSubject(this.store.prefix, AggregateKind.Mirror, id);
  }

  /** Checks the path's names, answering 400 naming `namespace` or `repository`. */
  validateTarget(target: TargetRepository): string {
    const problems: FieldProblem[] = [];
    const ns = repositoryNameProblem(target.namespace);
    if (ns) problems.push({ field: 'namespace', message: ns });
    const repo = repositoryNameProblem(target.repository);
    if (repo) problems.push({ field: 'repository', message: repo });
    if (problems.length) throw new InvalidRequestError(problems);
    return toMirrorId(target.namespace, target.repository);
  }

  async find(target: TargetRepository): Promise<MirrorRow> {
    const id = this.validateTarget(target);
    const row = await this.dataSource.getRepository(MirrorRow).findOneBy({ mirrorId: id });
    if (!row) throw new NotFoundError(`no mirror is configured for ${id}`);
    return row;
  }

  async create(target: TargetRepository, body: unknown, causation: Causation): Promise<MirrorRow> {
    const id = this.validateTarget(target);
    const parsed = parseMirrorInput(body, target, null);
    if (!parsed.ok) throw new InvalidRequestError(parsed.problems);
    await this.checkReferences(parsed.draft, null);
    const password = parsed.password.action === 'set' ? this.secrets.seal(parsed.password.plaintext) : null;
    const config: MirrorConfig = { ...parsed.draft, externalRegistryPassword: password };
    return this.run(id, { kind: 'create', mirrorId: id, config, now: new Date() }, causation, 'mirror.create');
  }

  async update(target: TargetRepository, body: unknown, causation: Causation): Promise<MirrorRow> {
    const id = this.validateTarget(target);
    const { state } = await loadState(this.store, this.subject(id), mirrorDecider);
    const current = this.current(state, id);
    // Validate against what is stored now, so a 400 is answered before any reference check.
    const draft = this.merge(body, current, target);
    await this.checkReferences(draft.draft, current);
    return this.run(
      id,
      (fresh: MirrorState) => {
        const latest = this.current(fresh, id);
        const merged = this.merge(body, latest, target);
        return { kind: 'update', config: { ...merged.draft, externalRegistryPassword: merged.password }, now: new Date() };
      },
      causation,
      'mirror.update',
    );
  }

  async delete(target: TargetRepository, causation: Causation): Promise<void> {
    const id = this.validateTarget(target);
    await this.run(id, { kind: 'delete' }, causation, 'mirror.delete');
  }

  async syncNow(target: TargetRepository, causation: Causation): Promise<MirrorRow> {
    const id = this.validateTarget(target);
    return this.run(id, { kind: 'request-sync-now' }, causation, 'mirror.sync-now');
  }

  async cancel(target: TargetRepository, causation: Causation): Promise<MirrorRow> {
    const id = this.validateTarget(target);
    return this.run(id, { kind: 'cancel', now: new Date() }, causation, 'mirror.sync-cancel');
  }

  private current(state: MirrorState, id: string): MirrorConfig {
    if (!state.config || state.deleted) throw new NotFoundError(`no mirror is configured for ${id}`);
    return state.config;
  }

  private merge(body: unknown, current: MirrorConfig, target: TargetRepository): { draft: MirrorDraft; password: EncryptedSecret | null } {
    const { externalRegistryPassword, ...base } = current;
    const parsed = parseMirrorInput(body, target, base, externalRegistryPassword !== null);
    if (!parsed.ok) throw new InvalidRequestError(parsed.problems);
    const change = parsed.password;
    const password = change.action === 'set' ? this.secrets.seal(change.plaintext) : change.action === 'clear' ? null : externalRegistryPassword;
    return { draft: parsed.draft, password };
  }

  /** The robot must exist and the upstream must not be an internal address (SSRF). */
  private async checkReferences(draft: MirrorDraft, current: MirrorConfig | null): Promise<void> {
    const problems: FieldProblem[] = [];
    if (draft.robotUsername !== current?.robotUsername) {
      const robot = await loadState(this.store, aggregateSubject(this.store.prefix, AggregateKind.Robot, draft.robotUsername), robotDecider);
      if (robot.state.username === null) problems.push({ field: 'robot_username', message: `names no robot; create ${draft.robotUsername} first` });
    }
    if (draft.externalReference !== current?.externalReference) {
      try {
        await assertUpstreamAllowed(draft.externalReference, this.config.ssrfAllowedHosts);
      } catch (error) {
        const code = (error as { code?: string }).code;
        // A name that does not resolve now may resolve when the run comes; the worker checks again.
        if (code === 'UPSTREAM_UNREACHABLE') return this.failIfAny(problems);
        if (code !== 'UPSTREAM_NOT_ALLOWED' && code !== 'INVALID_REFERENCE') throw error;
        problems.push({ field: 'external_reference', message: (error as Error).message });
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
      const result = await handleCommand(this.store, this.subject(id), id, mirrorDecider, command, causation);
      const last = result.events.at(-1);
      if (last) await this.projections.waitFor(last.position);
      const row = await this.dataSource.getRepository(MirrorRow).findOneBy({ mirrorId: id });
      return row ?? Object.assign(new MirrorRow(), { mirrorId: id });
    });
  }
}
