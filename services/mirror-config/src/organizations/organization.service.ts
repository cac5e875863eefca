import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AggregateKind, organizationNameProblem } from '@ferry/contracts';
import type { Causation } from '@ferry/event-store';
import { organizationDecider, organizationRole, type Caller } from '@ferry/identity';
import { OrganizationRow, RepositoryRow, RobotRow, UserRow } from '@ferry/read-models';
import { DATA_SOURCE } from '@ferry/service-runtime';
import { Commands } from '../commands';
import { InvalidRequestError, NotFoundError } from '../http/problem';
import { optionalString, quayBody } from '../http/quay-body';
import { GrantLookup } from '../auth/grant-lookup';
import { RepositoryService } from '../repositories/repository.service';
import { RobotService } from '../robots/robot.service';
import { emailProblem } from '../users/user.service';

/** Quay's organizations: the namespaces that hold repositories, robots and namespace rules. */
@Injectable()
export class OrganizationService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly commands: Commands,
    private readonly grants: GrantLookup,
    private readonly repositories: RepositoryService,
    private readonly robots: RobotService,
  ) {}

  /** POST /organization/: the creator becomes its admin. Quay answers 201 "Created". */
  async create(caller: Caller, body: unknown, causation: Causation) {
    const { fields, ignored } = quayBody(body, ['name', 'email', 'contact_email', 'recaptcha_response']);
    const problems: { field: string; message: string }[] = [];
    const name = optionalString(fields, 'name', 255, problems);
    if (name === undefined) problems.push({ field: 'name', message: 'is required' });
    else if (organizationNameProblem(name)) problems.push({ field: 'name', message: organizationNameProblem(name)! });
    const email = fields.contact_email ?? fields.email ?? null;
    if (emailProblem(email)) problems.push({ field: fields.contact_email !== undefined ? 'contact_email' : 'email', message: emailProblem(email)! });
    if (problems.length) throw new InvalidRequestError(problems);
    if (await this.dataSource.getRepository(UserRow).existsBy({ username: name! })) throw new InvalidRequestError([{ field: 'name', message: 'is the name of a user' }]);
    await this.commands.run(AggregateKind.Organization, name!, organizationDecider, { kind: 'create', name: name!, email: email as string | null, creator: caller.kind === 'user' ? { kind: 'user', name: caller.username } : null }, causation);
    return { view: 'Created', ignored };
  }

  async get(caller: Caller, name: string) {
    const org = await this.find(name);
    const role = organizationRole(caller, await this.grants.grantsOf(caller, { namespace: name }));
    const isAdmin = role === 'admin';
    return {
      name: org.name,
      email: isAdmin ? (org.email ?? '') : '',
      avatar: { name: org.name, hash: '', color: '#0066cc', kind: 'org' },
      is_admin: isAdmin,
      is_member: role !== null,
      ...(isAdmin ? { invoice_email: false, invoice_email_address: null, tag_expiration_s: 0, is_free_account: true } : {}),
    };
  }

  async update(caller: Caller, name: string, body: unknown, causation: Causation) {
    await this.find(name);
    const { fields, ignored } = quayBody(body, ['email', 'contact_email', 'invoice_email', 'invoice_email_address', 'tag_expiration_s']);
    const email = fields.contact_email ?? fields.email;
    if (email !== undefined) {
      if (emailProblem(email)) throw new InvalidRequestError([{ field: fields.contact_email !== undefined ? 'contact_email' : 'email', message: emailProblem(email)! }]);
      await this.commands.run(AggregateKind.Organization, name, organizationDecider, { kind: 'update', email: email as string | null }, causation);
    }
    return { view: await this.get(caller, name), ignored };
  }

  /** Deleting an organization deletes what it holds: its repositories (and their mirrors), then its robots. */
  async delete(name: string, causation: Causation): Promise<void> {
    await this.find(name);
    for (const repo of await this.dataSource.getRepository(RepositoryRow).findBy({ namespace: name })) {
      await this.repositories.delete({ namespace: name, repository: repo.name }, causation);
    }
    for (const robot of await this.dataSource.getRepository(RobotRow).findBy({ namespace: name })) {
      await this.robots.delete(name, robot.name, causation);
    }
    await this.commands.run(AggregateKind.Organization, name, organizationDecider, { kind: 'delete' }, causation);
  }

  private async find(name: string): Promise<OrganizationRow> {
    const problem = organizationNameProblem(name);
    if (problem) throw new InvalidRequestError([{ field: 'orgname', message: problem }]);
    const org = await this.dataSource.getRepository(OrganizationRow).findOneBy({ name });
    if (!org) throw new NotFoundError(`no organization ${name}`);
    return org;
  }
}
