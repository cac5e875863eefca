import { Injectable } from '@nestjs/common';
import { AggregateKind, organizationNameProblem } from '@ferry/contracts';
import type { Causation } from '@ferry/event-store';
import { organizationDecider, organizationRole, type Caller } from '@ferry/identity';
import type { OrganizationRow } from '@ferry/read-models';
import { Commands } from '../commands';
import { InvalidRequestError, NotFoundError } from '../http/problem';
import { readBody } from '../http/request-body';
import { GrantLookup } from '../auth/grant-lookup';
import { RepositoryService } from '../repositories/repository.service';
import { Namespaces } from '../namespaces';
import { RepositoryQueries } from '../repositories/repository-queries';
import { RobotQueries } from '../robots/robot-queries';
import { RobotService } from '../robots/robot.service';
import { OrgMirrorQueries } from '../org-mirror/org-mirror-queries';
import { OrgMirrorService } from '../org-mirror/org-mirror.service';
import { TeamService } from '../teams/team.service';
import { QuotaService } from '../quotas/quota.service';
import { OrganizationQueries } from './organization-queries';
import { CREATE_ORGANIZATION_BODY, UPDATE_ORGANIZATION_BODY } from './organization.input';
import type { OrganizationView } from './organization.view';
import { OAuthApplicationService } from '../oauth/oauth-application.service';

/** Quay's organizations: the namespaces that hold repositories, robots and namespace rules. */
@Injectable()
export class OrganizationService {
  constructor(
    private readonly queries: OrganizationQueries,
    private readonly namespaces: Namespaces,
    private readonly repositoryQueries: RepositoryQueries,
    private readonly robotQueries: RobotQueries,
    private readonly commands: Commands,
    private readonly grants: GrantLookup,
    private readonly repositories: RepositoryService,
    private readonly robots: RobotService,
    private readonly orgMirrorQueries: OrgMirrorQueries,
    private readonly orgMirrors: OrgMirrorService,
    private readonly teams: TeamService,
    /** Its OAuth applications go with an organization (absent in specs that make none). */
    private readonly applications?: OAuthApplicationService,
    /** Quay's `quotas` and `quota_report` (absent where a test builds the service without it). */
    private readonly quotas?: QuotaService,
  ) {}

  /** POST /organization/: the creator becomes its admin. Quay answers 201 "Created". */
  async create(caller: Caller, body: unknown, causation: Causation) {
    const { value: fields, ignored } = readBody(CREATE_ORGANIZATION_BODY, body);
    const { name } = fields;
    const email = fields.contact_email ?? fields.email ?? null;
    if (await this.namespaces.isUser(name)) throw new InvalidRequestError([{ field: 'name', message: 'is the name of a user' }]);
    await this.commands.run(AggregateKind.Organization, name, organizationDecider, { kind: 'create', name, email, creator: caller.kind === 'user' ? { kind: 'user', name: caller.username } : null }, causation);
    return { view: 'Created' as const, ignored };
  }

  async get(caller: Caller, name: string): Promise<OrganizationView> {
    const org = await this.find(name);
    const role = organizationRole(caller, await this.grants.grantsOf(caller, { namespace: name }));
    const isAdmin = role === 'admin';
    return {
      name: org.name,
      email: isAdmin ? (org.email ?? '') : '',
      avatar: { name: org.name, hash: '', color: '#0066cc', kind: 'org' },
      is_admin: isAdmin,
      is_member: role !== null,
      // Quay lists the teams to the organization's members.
      ...(role !== null ? await this.teams.organizationTeams(caller, name) : {}),
      ...(isAdmin ? { invoice_email: false, invoice_email_address: null, tag_expiration_s: 0, is_free_account: true } : {}),
      // Quay shows the quota and its usage to the organization's members.
      ...(role !== null && this.quotas ? await this.quotas.organizationQuotas(name) : {}),
    };
  }

  async update(caller: Caller, name: string, body: unknown, causation: Causation) {
    await this.find(name);
    const { value: fields, ignored } = readBody(UPDATE_ORGANIZATION_BODY, body);
    const email = fields.contact_email ?? fields.email;
    if (email !== undefined) await this.commands.run(AggregateKind.Organization, name, organizationDecider, { kind: 'update', email }, causation);
    return { view: await this.get(caller, name), ignored };
  }

  /** Deleting an organization deletes what it holds: its repositories (and their mirrors), teams, OAuth applications (and their tokens), then its robots. */
  async delete(name: string, causation: Causation): Promise<void> {
    await this.find(name);
    // First, so that no discovery makes a repository while they are being deleted; they go below.
    if (await this.orgMirrorQueries.exists(name)) await this.orgMirrors.delete(name, {}, causation);
    for (const repo of await this.repositoryQueries.repositoriesIn(name)) {
      await this.repositories.delete({ namespace: name, repository: repo.name }, causation);
    }
    await this.teams.deleteAllOf(name, causation);
    await this.applications?.deleteAllOf(name, causation);
    for (const robot of await this.robotQueries.robotsIn(name)) {
      await this.robots.delete(name, robot.name, causation);
    }
    await this.quotas?.deleteWithNamespace(name, causation);
    await this.commands.run(AggregateKind.Organization, name, organizationDecider, { kind: 'delete' }, causation);
  }

  private async find(name: string): Promise<OrganizationRow> {
    const problem = organizationNameProblem(name);
    if (problem) throw new InvalidRequestError([{ field: 'orgname', message: problem }]);
    const org = await this.queries.organization(name);
    if (!org) throw new NotFoundError(`no organization ${name}`);
    return org;
  }
}
