import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AggregateKind, DomainError, DomainErrorCode, robotNamespace, type Role } from '@ferry/contracts';
import type { Causation } from '@ferry/event-store';
import { defaultGrants, organizationDecider, roleOf, robotDecider, teamDecider, teamId, userDecider, type DefaultPermission, type OrganizationState, type Principal } from '@ferry/identity';
import { Commands } from '../commands';
import { InvalidRequestError } from '../http/problem';
import { readBody } from '../http/request-body';
import { CREATE_PROTOTYPE_BODY, UPDATE_PROTOTYPE_BODY } from './prototype.input';
import type { PrototypeView } from './prototype.view';

type ActiveOrganization = Extract<OrganizationState, { status: 'active' }>;

const avatar = (name: string) => ({ name, hash: '', color: '#0066cc', kind: 'user' });

/**
 * Quay's default permissions (`/organization/{org}/prototypes`): roles a repository created in the
 * organization gets from the start. They live on the organization's aggregate, whose fold also
 * answers the reads (an organization holds a handful), so a repository's creator, the API and
 * an organization mirror's discovery alike read them where they are decided.
 */
@Injectable()
export class PrototypeService {
  constructor(private readonly commands: Commands) {}

  async list(organization: string): Promise<{ prototypes: PrototypeView[] }> {
    const org = await this.organization(organization);
    return { prototypes: Object.entries(org.defaultPermissions).map(([id, p]) => view(org, id, p)) };
  }

  async get(organization: string, id: string): Promise<PrototypeView> {
    const org = await this.organization(organization);
    return view(org, id, found(org, id));
  }

  async create(organization: string, body: unknown, causation: Causation): Promise<{ view: PrototypeView; ignored: string[] }> {
    const { value: fields, ignored } = readBody(CREATE_PROTOTYPE_BODY, body);
    await this.organization(organization);
    const delegate = fields.delegate.kind === 'team' ? await this.teamDelegate(organization, fields.delegate.name) : await this.delegate(organization, fields.delegate.name);
    const activatingUser = fields.activating_user?.name ?? null;
    if (activatingUser !== null && !(await this.userExists(activatingUser))) throw new InvalidRequestError([{ field: 'activating_user.name', message: `names no user (Quay: "Unknown activating user")` }]);
    const id = randomUUID();
    await this.commands.run(AggregateKind.Organization, organization, organizationDecider, { kind: 'create-default-permission', prototypeId: id, delegate, role: fields.role, activatingUser }, causation);
    return { view: await this.get(organization, id), ignored };
  }

  async update(organization: string, id: string, body: unknown, causation: Causation): Promise<{ view: PrototypeView; ignored: string[] }> {
    const { value: fields, ignored } = readBody(UPDATE_PROTOTYPE_BODY, body);
    found(await this.organization(organization), id);
    await this.commands.run(AggregateKind.Organization, organization, organizationDecider, { kind: 'change-default-permission', prototypeId: id, role: fields.role }, causation);
    return { view: await this.get(organization, id), ignored };
  }

  async delete(organization: string, id: string, causation: Causation): Promise<void> {
    await this.organization(organization);
    await this.commands.run(AggregateKind.Organization, organization, organizationDecider, { kind: 'delete-default-permission', prototypeId: id }, causation);
  }

  /** See `newRepositoryGrants`. */
  grantsFor(namespace: string, creator: string | null): Promise<{ principal: Principal; role: Role }[]> {
    return newRepositoryGrants(this.commands, namespace, creator);
  }

  /** Quay's delegate of kind `user`: a robot (of this organization) when its name says so, else a user. */
  private async delegate(organization: string, name: string): Promise<Principal> {
    const robot = robotNamespace(name) !== null;
    const exists = robot ? robotNamespace(name) === organization && (await this.robotExists(name)) : await this.userExists(name);
    if (!exists) throw new InvalidRequestError([{ field: 'delegate.name', message: robot ? `names no robot of ${organization}` : 'names no user' }]);
    return { kind: robot ? 'robot' : 'user', name };
  }

  /** Quay's delegate of kind `team`: a team of this organization; its members get the role through it. */
  private async teamDelegate(organization: string, name: string): Promise<Principal> {
    if (!(await teamExists(this.commands, organization, name))) throw new InvalidRequestError([{ field: 'delegate.name', message: `names no team of ${organization}` }]);
    return { kind: 'team', name };
  }

  private async organization(name: string): Promise<ActiveOrganization> {
    const org = await this.commands.state(AggregateKind.Organization, name, organizationDecider);
    if (org.status !== 'active') throw new DomainError(DomainErrorCode.OrganizationNotFound, `no organization ${name}`);
    return org;
  }

  private userExists(name: string): Promise<boolean> {
    return userExists(this.commands, name);
  }

  private robotExists(name: string): Promise<boolean> {
    return robotExists(this.commands, name);
  }
}

const userExists = async (commands: Commands, name: string) => (await commands.state(AggregateKind.User, name, userDecider)).status === 'active';
const robotExists = async (commands: Commands, name: string) => (await commands.state(AggregateKind.Robot, name, robotDecider)).status === 'active';
const teamExists = async (commands: Commands, organization: string, name: string) => (await commands.state(AggregateKind.Team, teamId(organization, name), teamDecider)).status === 'active';

function delegateExists(commands: Commands, organization: string, principal: Principal): Promise<boolean> {
  if (principal.kind === 'team') return teamExists(commands, organization, principal.name);
  return principal.kind === 'robot' ? robotExists(commands, principal.name) : userExists(commands, principal.name);
}

/**
 * The roles a repository created now in `namespace` starts with (none outside an organization):
 * its default permissions for `creator`, less those whose user, robot or team is gone. A function of
 * the log alone, so the repository's creators need no more than `Commands`.
 */
export async function newRepositoryGrants(commands: Commands, namespace: string, creator: string | null): Promise<{ principal: Principal; role: Role }[]> {
  const org = await commands.state(AggregateKind.Organization, namespace, organizationDecider);
  if (org.status !== 'active') return [];
  const grants = defaultGrants(org.defaultPermissions, creator);
  const alive = await Promise.all(grants.map(({ principal }) => delegateExists(commands, namespace, principal)));
  return grants.filter((_, i) => alive[i]);
}

function found(org: ActiveOrganization, id: string): DefaultPermission {
  const prototype = org.defaultPermissions[id];
  if (!prototype) throw new DomainError(DomainErrorCode.DefaultPermissionNotFound, `no default permission ${id} in ${org.name}`);
  return prototype;
}

/** Quay's `prototype_view`; a robot is always an organization member, a user when it holds a role on the organization; a team is named with its avatar. */
function view(org: ActiveOrganization, id: string, prototype: DefaultPermission): PrototypeView {
  const userView = (principal: Principal) => ({
    name: principal.name,
    is_robot: principal.kind === 'robot',
    kind: 'user' as const,
    is_org_member: principal.kind === 'robot' || roleOf(org.grants, principal) !== null,
    avatar: avatar(principal.name),
  });
  return {
    activating_user: prototype.activatingUser === null ? null : userView({ kind: 'user', name: prototype.activatingUser }),
    delegate: prototype.delegate.kind === 'team' ? { name: prototype.delegate.name, kind: 'team' as const, avatar: { ...avatar(prototype.delegate.name), kind: 'team' } } : userView(prototype.delegate),
    role: prototype.role,
    id,
  };
}
