import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { AggregateKind, DomainError, DomainErrorCode, organizationNameProblem, type EncryptedSecret, type OrgMirrorConfig, type OrgMirrorEvent } from '@ferry/contracts';
import type { Causation } from '@ferry/event-store';
import { listingSource, orgMirrorDecider, type FieldProblem, type OrgMirrorCommand, type OrgMirrorState } from '@ferry/mirror';
import { problemsOf } from '../http/schema-problems';
import { observeOrgMirrors } from '@ferry/metrics';
import { Allowlist, assertHostAllowed, type AddressGuard } from '@ferry/net-guard';
import type { OrgMirrorRow } from '@ferry/read-models';
import { repositoryLister, type RepositoryLister } from '@ferry/registry-client';
import { resealIfChanged, type SecretBox } from '@ferry/secrets';
import { withSpan } from '@ferry/telemetry';
import { Commands } from '../commands';
import type { MirrorConfigServiceConfig } from '../config';
import { InvalidRequestError, NotFoundError } from '../http/problem';
import { readQuery } from '../http/query';
import { RobotQueries } from '../robots/robot-queries';
import type { UsageLogEntry } from '../runs/run.view';
import { usageLogEntry } from '../runs/usage-log';
import { SECRET_BOX, SERVICE_CONFIG } from '../tokens';
import { describeOrgMirrorEvent } from './org-mirror-log';
import { OrgMirrorQueries } from './org-mirror-queries';
import { parseOrgMirrorInput, type OrgMirrorDraft } from './org-mirror.input';
import {
  ORG_REPOSITORY_STATUSES,
  orgMirrorRepositoriesView,
  orgMirrorView,
  type OrgMirrorRepositoriesView,
  type OrgMirrorVerification,
  type OrgMirrorView,
  type OrgRepositoryStatus,
} from './org-mirror.view';

/** Quay's paging of the repositories: 100 a page by default, at most 500. */
export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 500;
const WHOLE_NUMBER = 'must be a whole number';
const statusMessage = (input: unknown) => `Invalid status filter '${String(input)}'. Valid values: ${ORG_REPOSITORY_STATUSES.join(', ')}`;

/**
 * `?page&limit&status` of the repositories, as Quay reads them: a page below 1 is the first, a
 * limit above 500 is 500 and one below 1 the default; a status any case. What is not a number, or
 * no status, is a 400 naming it.
 */
export const ORG_MIRROR_REPOSITORIES_QUERY = z.object({
  page: z.coerce.number({ error: WHOLE_NUMBER }).int({ error: WHOLE_NUMBER }).optional().meta({ description: 'The page, from 1 (default 1).' }),
  limit: z.coerce.number({ error: WHOLE_NUMBER }).int({ error: WHOLE_NUMBER }).optional().meta({ description: `Repositories a page (default ${DEFAULT_PAGE_LIMIT}, at most ${MAX_PAGE_LIMIT}).` }),
  status: z
    .string()
    .transform((s) => s.toUpperCase())
    .pipe(z.enum(ORG_REPOSITORY_STATUSES, { error: (issue) => statusMessage(issue.input) }))
    .optional()
    .meta({ description: `Only repositories in this status: ${ORG_REPOSITORY_STATUSES.join(', ')}.` }),
});

/** `?delete_repositories=true`: Ferry's, for OrgMirrorDeleted's `deleteRepositories`. */
export const ORG_MIRROR_DELETE_QUERY = z.object({
  delete_repositories: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .optional()
    .meta({ description: 'Ferry\'s: true also deletes the repositories it discovered, with their images; by default they stay, no longer mirrored.' }),
});

/** The usage log's `?limit=`: 1 to 500, default 50. */
export const ORG_MIRROR_LOGS_QUERY = z.object({
  limit: z.coerce.number({ error: 'must be a whole number from 1 to 500' }).int({ error: 'must be a whole number from 1 to 500' }).min(1, { error: 'must be a whole number from 1 to 500' }).max(500, { error: 'must be a whole number from 1 to 500' }).optional(),
});

/** The address guard's refusal of a source registry or proxy (any other error of the check is DNS's). */
class AddressRefused extends Error {}

/** What a command answered with, and the fields of the Quay body it ignored (named in a `Warning`). */
export interface OrgMirrorAnswer {
  view: OrgMirrorView;
  ignored: string[];
}

/** Quay's answer for what a listing failed with, by the registry's stable code. */
function verificationMessage(code: string | undefined, message: string, config: OrgMirrorConfig): string {
  switch (code) {
    case 'UNAUTHORIZED':
      return 'Authentication failed';
    case 'DENIED':
      return 'Access forbidden - check permissions';
    case 'NOT_FOUND':
      return `${config.externalRegistryType === 'harbor' ? 'Project' : 'Namespace'} '${config.externalNamespace}' not found`;
    case 'TIMEOUT':
      return 'Connection timed out';
    case 'UPSTREAM_NOT_ALLOWED':
      return 'The provided URL is not allowed';
    case 'TLS_VERIFICATION_FAILED':
      return `SSL error: ${message}`;
    case 'UPSTREAM_UNREACHABLE':
      return `Connection error: ${message}`;
    default:
      return message;
  }
}

/** Organization mirror commands from the API: validate, check references, seal secrets, append, then read back. */
@Injectable()
export class OrgMirrorService {
  constructor(
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    @Inject(SERVICE_CONFIG) private readonly config: MirrorConfigServiceConfig,
    private readonly commands: Commands,
    private readonly queries: OrgMirrorQueries,
    private readonly robots: RobotQueries,
  ) {
    // Each metrics scrape shows every organization mirror's repositories, discovered, syncing and failing.
    observeOrgMirrors(() => this.queries.samples());
  }

  /** The organization the path names: a 400 naming `orgname` for a bad name, a 404 when there is none (as Quay). */
  private async organization(organization: string): Promise<string> {
    const problem = organizationNameProblem(organization);
    if (problem) throw new InvalidRequestError([{ field: 'orgname', message: problem }]);
    if (!(await this.queries.organizationExists(organization))) throw new NotFoundError(`no organization ${organization}`);
    return organization;
  }

  private async row(organization: string): Promise<OrgMirrorRow> {
    const row = await this.queries.find(await this.organization(organization));
    if (!row) throw new NotFoundError(`the organization ${organization} has no mirror configured`);
    return row;
  }

  private async view(row: OrgMirrorRow): Promise<OrgMirrorView> {
    return orgMirrorView(row, await this.queries.statusCounts(row.organization));
  }

  async get(organization: string): Promise<OrgMirrorView> {
    return this.view(await this.row(organization));
  }

  /**
   * Creates the organization mirror, which Quay allows once per organization and only in an empty
   * one; its discoveries then create the repositories (in state ORG_MIRROR).
   */
  async create(organization: string, body: unknown, causation: Causation): Promise<OrgMirrorAnswer> {
    await this.organization(organization);
    const parsed = parseOrgMirrorInput(body, organization, null);
    if (!parsed.ok) throw new InvalidRequestError(parsed.problems);
    await this.checkReferences(parsed.draft, null);
    // Refused before anything is appended; the decider refuses a second one again under contention.
    if (await this.queries.exists(organization)) throw new DomainError(DomainErrorCode.OrgMirrorAlreadyExists, 'Mirror configuration already exists for this organization');
    if (await this.queries.organizationHasRepositories(organization)) {
      throw new DomainError(
        DomainErrorCode.OrganizationNotEmpty,
        'Cannot create organization mirror: the organization already contains repositories. Organization mirroring requires an empty organization.',
      );
    }
    const password = parsed.password.action === 'set' ? this.secrets.seal(parsed.password.plaintext) : null;
    const config: OrgMirrorConfig = { ...parsed.draft, externalRegistryPassword: password };
    return { view: await this.run(organization, { kind: 'create', config }, causation, 'org-mirror.create'), ignored: parsed.ignored };
  }

  /** Changes the fields sent; the rest keep their values. The discovered repositories follow. */
  async update(organization: string, body: unknown, causation: Causation): Promise<OrgMirrorAnswer> {
    await this.organization(organization);
    const current = this.current(await this.commands.state(AggregateKind.OrgMirror, organization, orgMirrorDecider), organization);
    // Validated against what is stored now, so a 400 is answered before any reference check.
    const merged = this.merge(body, current, organization);
    await this.checkReferences(merged.draft, current);
    const view = await this.run(
      organization,
      (fresh: OrgMirrorState) => {
        const latest = this.merge(body, this.current(fresh, organization), organization);
        return { kind: 'update', config: { ...latest.draft, externalRegistryPassword: latest.password } };
      },
      causation,
      'org-mirror.update',
    );
    return { view, ignored: merged.ignored };
  }

  /** `?delete_repositories=true` also deletes the discovered repositories and their images. */
  async delete(organization: string, query: Record<string, unknown>, causation: Causation): Promise<void> {
    const { delete_repositories } = readQuery(ORG_MIRROR_DELETE_QUERY, query);
    await this.organization(organization);
    await this.commands.run(AggregateKind.OrgMirror, organization, orgMirrorDecider, { kind: 'delete', deleteRepositories: delete_repositories === 'true' }, causation);
  }

  async syncNow(organization: string, causation: Causation): Promise<void> {
    await this.run(await this.organization(organization), { kind: 'request-sync-now' }, causation, 'org-mirror.sync-now');
  }

  async cancel(organization: string, causation: Causation): Promise<void> {
    await this.run(await this.organization(organization), { kind: 'cancel', now: new Date() }, causation, 'org-mirror.sync-cancel');
  }

  /**
   * Quay's verify: lists the first page of the upstream's repositories as a discovery would (the
   * address guard, TLS and proxy settings, the credentials), and says how that went. Writes nothing.
   */
  async verify(organization: string): Promise<OrgMirrorVerification> {
    await this.row(organization);
    const config = this.current(await this.commands.state(AggregateKind.OrgMirror, organization, orgMirrorDecider), organization);
    return withSpan('org-mirror.verify', async (span) => {
      span.setAttribute('ferry.organization', organization);
      let lister: RepositoryLister | undefined;
      try {
        lister = repositoryLister(
          {
            ...listingSource(config),
            ...(config.externalRegistryUsername ? { credentials: { username: config.externalRegistryUsername, password: config.externalRegistryPassword ? this.secrets.open(config.externalRegistryPassword) : '' } } : {}),
          },
          { addressGuard: { allowedHosts: this.config.ssrfAllowedHosts }, timeoutMs: config.skopeoTimeout * 1000 },
        );
        await lister.listPage(null, { pageSize: 1 });
        return { success: true, message: 'Connection successful', code: null };
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (typeof code !== 'string') throw error;
        return { success: false, message: verificationMessage(code, (error as Error).message, config), code };
      } finally {
        await lister?.close().catch(() => undefined);
      }
    });
  }

  /** Quay's list of the discovered repositories, a page at a time, each with its mirror's status. */
  async repositories(organization: string, query: Record<string, unknown>): Promise<OrgMirrorRepositoriesView> {
    const parsed = ORG_MIRROR_REPOSITORIES_QUERY.safeParse(query);
    if (!parsed.success) throw new InvalidRequestError(problemsOf(parsed.error));
    const row = await this.row(organization);
    const page = Math.max(1, parsed.data.page ?? 1);
    const asked = parsed.data.limit ?? DEFAULT_PAGE_LIMIT;
    const limit = asked < 1 ? DEFAULT_PAGE_LIMIT : Math.min(asked, MAX_PAGE_LIMIT);
    const status = parsed.data.status as OrgRepositoryStatus | undefined;
    const { rows, total } = await this.queries.repositories(row.organization, { page, limit, ...(status ? { status } : {}) });
    return orgMirrorRepositoriesView(rows, { page, limit, total });
  }

  /** The organization mirror's events, newest first, each in one sentence. */
  async logs(organization: string, query: Record<string, unknown>): Promise<{ logs: UsageLogEntry[] }> {
    const { limit } = readQuery(ORG_MIRROR_LOGS_QUERY, query);
    const rows = await this.queries.logs(await this.organization(organization), limit ?? 50);
    return { logs: rows.map((e) => usageLogEntry(e, describeOrgMirrorEvent({ type: e.type, data: e.data } as OrgMirrorEvent))) };
  }

  private current(state: OrgMirrorState, organization: string): OrgMirrorConfig {
    if (!state.config || state.deleted) throw new NotFoundError(`the organization ${organization} has no mirror configured`);
    return state.config;
  }

  private merge(body: unknown, current: OrgMirrorConfig, organization: string): { draft: OrgMirrorDraft; password: EncryptedSecret | null; ignored: string[] } {
    const { externalRegistryPassword, ...base } = current;
    const parsed = parseOrgMirrorInput(body, organization, base, externalRegistryPassword !== null);
    if (!parsed.ok) throw new InvalidRequestError(parsed.problems);
    const change = parsed.password;
    const password = change.action === 'set' ? resealIfChanged(this.secrets, change.plaintext, externalRegistryPassword) : change.action === 'clear' ? null : externalRegistryPassword;
    return { draft: parsed.draft, password, ignored: parsed.ignored };
  }

  /**
   * The robot must exist (Quay's "Invalid robot account"), and neither the source registry nor a
   * proxy may be on an internal address (SSRF) that FERRY_SSRF_ALLOWED_HOSTS does not list. Only
   * what changed is checked.
   */
  private async checkReferences(draft: OrgMirrorDraft, current: OrgMirrorConfig | null): Promise<void> {
    const problems: FieldProblem[] = [];
    if (draft.robotUsername !== current?.robotUsername && !(await this.robots.exists(draft.robotUsername))) {
      problems.push({ field: 'robot_username', message: `Invalid robot account: ${draft.robotUsername} (no such robot; create it first)` });
    }
    const proxy = draft.externalRegistryConfig.proxy;
    const was = current?.externalRegistryConfig.proxy;
    const checks: Array<[field: string, url: string | null, changed: boolean]> = [
      ['external_registry_url', draft.externalRegistryUrl, draft.externalRegistryUrl !== current?.externalRegistryUrl],
      ['external_listing_url', draft.externalListingUrl ?? null, !!draft.externalListingUrl && draft.externalListingUrl !== current?.externalListingUrl],
      ['external_registry_config.proxy.http_proxy', proxy.httpProxy, !!proxy.httpProxy && proxy.httpProxy !== was?.httpProxy],
      ['external_registry_config.proxy.https_proxy', proxy.httpsProxy, !!proxy.httpsProxy && proxy.httpsProxy !== was?.httpsProxy],
    ];
    for (const [field, url, changed] of checks) {
      if (!changed || url === null) continue;
      const problem = await this.addressProblem(url);
      if (problem) problems.push({ field, message: problem });
    }
    if (problems.length) throw new InvalidRequestError(problems);
  }

  /** Quay's "not allowed" for a URL on an internal address; nothing for a name that does not resolve now (the discovery checks again). */
  private async addressProblem(value: string): Promise<string | undefined> {
    const url = new URL(value);
    const guard: AddressGuard = {
      allowlist: new Allowlist(this.config.ssrfAllowedHosts),
      refuse: (host, address, reason) =>
        new AddressRefused(`is not allowed: ${host} ${address === host ? 'is' : `resolves to ${address}, which is`} a ${reason} address, not in the allowed hosts (FERRY_SSRF_ALLOWED_HOSTS)`),
    };
    try {
      await assertHostAllowed(url.hostname, url.port || (url.protocol === 'https:' ? 443 : 80), guard);
      return undefined;
    } catch (error) {
      if (error instanceof AddressRefused) return error.message;
      return undefined;
    }
  }

  private async run(organization: string, command: OrgMirrorCommand | ((state: OrgMirrorState) => OrgMirrorCommand), causation: Causation, spanName: string): Promise<OrgMirrorView> {
    return withSpan(spanName, async (span) => {
      span.setAttribute('ferry.organization', organization);
      await this.commands.run(AggregateKind.OrgMirror, organization, orgMirrorDecider, command, causation);
      const row = await this.queries.find(organization);
      if (!row) throw new NotFoundError(`the organization ${organization} has no mirror configured`);
      return this.view(row);
    });
  }
}
