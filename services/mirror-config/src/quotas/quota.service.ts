import { Injectable } from '@nestjs/common';
import { AggregateKind, DomainError, DomainErrorCode, mirrorId } from '@ferry/contracts';
import type { Causation } from '@ferry/event-store';
import { organizationDecider, userDecider } from '@ferry/identity';
import { humanBytes, parseQuotaSize, quotaDecider, type NamespaceQuota, type QuotaLimit, type QuotaState } from '@ferry/mirror';
import { Commands } from '../commands';
import { InvalidRequestError } from '../http/problem';
import { readBody } from '../http/request-body';
import { QuotaUsageQueries } from './quota-usage.queries';
import { CREATE_QUOTA_BODY, CREATE_QUOTA_LIMIT_BODY, quotaLimitType, UPDATE_QUOTA_BODY, UPDATE_QUOTA_LIMIT_BODY } from './quota.input';
import type { QuotaLimitView, QuotaView } from './quota.view';

/** Which namespaces a route takes: organizations only (Quay's organization routes), or users' too (its superuser and user routes). */
export type NamespaceScope = 'organization' | 'namespace';

/** Quay's `quota_report` of a namespace and of a repository. */
export interface NamespaceQuotaReport {
  quota_bytes: number;
  configured_quota: number | null;
  running_backfill: string;
  backfill_status: string;
}
export interface RepositoryQuotaReport {
  quota_bytes: number;
  configured_quota: number | null;
}

/**
 * Quay's namespace quotas (`/organization/{org}/quota` and its limits) on the namespace's quota
 * aggregate, whose fold answers the quota and its limits. Usage in reports is the
 * `repository_usage` read model's (what Ferry's runs wrote, quota or not); the aggregate counts it
 * only for enforcement, from the read model's count when the quota is made.
 */
@Injectable()
export class QuotaService {
  constructor(
    private readonly commands: Commands,
    private readonly usage: QuotaUsageQueries,
  ) {}

  async list(organization: string, scope: NamespaceScope = 'organization'): Promise<QuotaView[]> {
    await this.assertNamespace(organization, scope);
    const { quota } = await this.state(organization);
    return quota ? [quotaView(quota)] : [];
  }

  async get(organization: string, quotaId: string, scope: NamespaceScope = 'organization'): Promise<QuotaView> {
    await this.assertNamespace(organization, scope);
    return quotaView(found(await this.state(organization), quotaId));
  }

  async create(organization: string, body: unknown, causation: Causation, scope: NamespaceScope = 'organization'): Promise<{ view: 'Created'; ignored: string[] }> {
    const { value: fields, ignored } = readBody(CREATE_QUOTA_BODY, body);
    await this.assertNamespace(organization, scope);
    const limitBytes = fields.limit_bytes ?? bytesOf(fields.limit!);
    // Nothing counted the namespace's usage on the aggregate before: the quota starts from the read model's.
    const usage = await this.usage.settledOfNamespace(organization);
    await this.commands.run(AggregateKind.Quota, organization, quotaDecider, { kind: 'create-quota', namespace: organization, limitBytes, usage }, causation);
    return { view: 'Created', ignored };
  }

  /** Quay answers the quota as it is now; a body with neither field changes nothing. */
  async update(organization: string, quotaId: string, body: unknown, causation: Causation, scope: NamespaceScope = 'organization'): Promise<{ view: QuotaView; ignored: string[] }> {
    const { value: fields, ignored } = readBody(UPDATE_QUOTA_BODY, body);
    await this.assertNamespace(organization, scope);
    const quota = found(await this.state(organization), quotaId);
    const limitBytes = fields.limit_bytes ?? (fields.limit === undefined ? undefined : bytesOf(fields.limit));
    if (limitBytes !== undefined) {
      await this.commands.run(AggregateKind.Quota, organization, quotaDecider, { kind: 'change-quota', namespace: organization, quotaId: quota.quotaId, limitBytes }, causation);
    }
    return { view: await this.get(organization, quotaId, scope), ignored };
  }

  async delete(organization: string, quotaId: string, causation: Causation, scope: NamespaceScope = 'organization'): Promise<void> {
    await this.assertNamespace(organization, scope);
    const quota = found(await this.state(organization), quotaId);
    await this.commands.run(AggregateKind.Quota, organization, quotaDecider, { kind: 'delete-quota', namespace: organization, quotaId: quota.quotaId }, causation);
  }

  /** An organization that is deleted takes its quota with it, as in Quay (the usage stays: the target keeps the images). */
  async deleteWithNamespace(namespace: string, causation: Causation): Promise<void> {
    const { quota } = await this.state(namespace);
    if (quota) await this.commands.run(AggregateKind.Quota, namespace, quotaDecider, { kind: 'delete-quota', namespace, quotaId: quota.quotaId }, causation);
  }

  async limits(organization: string, quotaId: string, scope: NamespaceScope = 'organization'): Promise<QuotaLimitView[]> {
    return (await this.get(organization, quotaId, scope)).limits;
  }

  async limit(organization: string, quotaId: string, limitId: string, scope: NamespaceScope = 'organization'): Promise<QuotaLimitView> {
    await this.assertNamespace(organization, scope);
    return limitView(foundLimit(found(await this.state(organization), quotaId), limitId));
  }

  async createLimit(organization: string, quotaId: string, body: unknown, causation: Causation): Promise<{ view: 'Created'; ignored: string[] }> {
    const { value: fields, ignored } = readBody(CREATE_QUOTA_LIMIT_BODY, body);
    await this.assertNamespace(organization, 'organization');
    const quota = found(await this.state(organization), quotaId);
    await this.commands.run(
      AggregateKind.Quota,
      organization,
      quotaDecider,
      { kind: 'create-limit', namespace: organization, quotaId: quota.quotaId, limitType: quotaLimitType(fields.type)!, thresholdPercent: fields.threshold_percent },
      causation,
    );
    return { view: 'Created', ignored };
  }

  /** Quay answers a changed limit with its whole quota. */
  async updateLimit(organization: string, quotaId: string, limitId: string, body: unknown, causation: Causation): Promise<{ view: QuotaView; ignored: string[] }> {
    const { value: fields, ignored } = readBody(UPDATE_QUOTA_LIMIT_BODY, body);
    await this.assertNamespace(organization, 'organization');
    const quota = found(await this.state(organization), quotaId);
    const limit = foundLimit(quota, limitId);
    await this.commands.run(
      AggregateKind.Quota,
      organization,
      quotaDecider,
      {
        kind: 'change-limit',
        namespace: organization,
        quotaId: quota.quotaId,
        limitId: limit.limitId,
        ...(fields.type !== undefined ? { limitType: quotaLimitType(fields.type)! } : {}),
        ...(fields.threshold_percent !== undefined ? { thresholdPercent: fields.threshold_percent } : {}),
      },
      causation,
    );
    return { view: await this.get(organization, quotaId), ignored };
  }

  async deleteLimit(organization: string, quotaId: string, limitId: string, causation: Causation): Promise<void> {
    await this.assertNamespace(organization, 'organization');
    const quota = found(await this.state(organization), quotaId);
    const limit = foundLimit(quota, limitId);
    await this.commands.run(AggregateKind.Quota, organization, quotaDecider, { kind: 'delete-limit', namespace: organization, quotaId: quota.quotaId, limitId: limit.limitId }, causation);
  }


  /** What the organization answers carry for its members: Quay's `quotas` and `quota_report`. */
  async organizationQuotas(namespace: string): Promise<{ quotas: QuotaView[]; quota_report: NamespaceQuotaReport }> {
    const [{ quota }, usage] = await Promise.all([this.state(namespace), this.usage.ofNamespace(namespace)]);
    return {
      quotas: quota ? [quotaView(quota)] : [],
      // Usage is projected from every run's tags as they are written, never backfilled: the count is always complete.
      quota_report: { quota_bytes: Object.values(usage).reduce((a, b) => a + b, 0), configured_quota: quota?.limitBytes ?? null, running_backfill: 'complete', backfill_status: 'complete' },
    };
  }

  /** A repository's `quota_report`: the bytes Ferry wrote into it, and its namespace's quota. */
  async repositoryReport(namespace: string, repository: string): Promise<RepositoryQuotaReport> {
    return (await this.repositoryReports([{ namespace, repository }])).get(mirrorId(namespace, repository))!;
  }

  /** The reports of several repositories (a page of Quay's list), by `ns/repo`: each namespace's quota read once, the usage in one query. */
  async repositoryReports(repositories: readonly { namespace: string; repository: string }[]): Promise<Map<string, RepositoryQuotaReport>> {
    const states = new Map<string, QuotaState>();
    for (const namespace of new Set(repositories.map((r) => r.namespace))) states.set(namespace, await this.state(namespace));
    const usage = await this.usage.ofRepositories(repositories);
    return new Map(
      repositories.map(({ namespace, repository }) => {
        const id = mirrorId(namespace, repository);
        return [id, { quota_bytes: usage.get(id) ?? 0, configured_quota: states.get(namespace)!.quota?.limitBytes ?? null }];
      }),
    );
  }

  private state(namespace: string): Promise<QuotaState> {
    return this.commands.state(AggregateKind.Quota, namespace, quotaDecider);
  }

  /** Quay's organization routes need an organization; its superuser and user routes take a user's namespace too. */
  private async assertNamespace(name: string, scope: NamespaceScope): Promise<void> {
    const org = await this.commands.state(AggregateKind.Organization, name, organizationDecider);
    if (org.status === 'active') return;
    if (scope === 'namespace' && (await this.commands.state(AggregateKind.User, name, userDecider)).status === 'active') return;
    throw new DomainError(DomainErrorCode.OrganizationNotFound, scope === 'namespace' ? `no user or organization ${name}` : `no organization ${name}`);
  }
}

function bytesOf(limit: string): number {
  const bytes = parseQuotaSize(limit);
  if (bytes === null || bytes <= 0) throw new InvalidRequestError([{ field: 'limit', message: 'must be a size of more than 0 bytes that Ferry can count exactly (Quay: "Invalid limit format")' }]);
  return bytes;
}

/** Quay's ids are integers; a path id that is not one names no quota. */
const pathId = (id: string): number | null => (/^\d{1,15}$/.test(id) ? Number(id) : null);

function found(state: QuotaState, quotaId: string): NamespaceQuota {
  if (!state.quota || state.quota.quotaId !== pathId(quotaId)) throw new DomainError(DomainErrorCode.QuotaNotFound, `no quota ${quotaId}`);
  return state.quota;
}

function foundLimit(quota: NamespaceQuota, limitId: string): QuotaLimit {
  const limit = quota.limits.find((l) => l.limitId === pathId(limitId));
  if (!limit) throw new DomainError(DomainErrorCode.QuotaLimitNotFound, `no limit ${limitId} of quota ${quota.quotaId}`);
  return limit;
}

const limitView = (limit: QuotaLimit): QuotaLimitView => ({ id: limit.limitId, type: limit.limitType, limit_percent: limit.thresholdPercent });

/** Quay's `quota_view`. Ferry has no system-wide default quota (Quay's `DEFAULT_SYSTEM_REJECT_QUOTA_BYTES`). */
function quotaView(quota: NamespaceQuota): QuotaView {
  return { id: quota.quotaId, limit_bytes: quota.limitBytes, limit: humanBytes(quota.limitBytes), default_config: false, limits: quota.limits.map(limitView), default_config_exists: false };
}
