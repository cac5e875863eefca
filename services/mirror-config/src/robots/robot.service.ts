import { Inject, Injectable } from '@nestjs/common';
import { AggregateKind, repositoryNameProblem, robotShortnameProblem, robotUsername } from '@ferry/contracts';
import type { Causation } from '@ferry/event-store';
import { mintToken, robotCredentials, robotDecider, TokenKind, type RobotCredentials } from '@ferry/identity';
import type { RobotRow } from '@ferry/read-models';
import type { SecretBox } from '@ferry/secrets';
import { Commands } from '../commands';
import { InvalidRequestError, NotFoundError } from '../http/problem';
import { quayDate } from '../http/quay-body';
import { readBody } from '../http/request-body';
import { Namespaces } from '../namespaces';
import { TeamService } from '../teams/team.service';
import { PermissionService } from '../repositories/permission.service';
import type { MirrorConfigServiceConfig } from '../config';
import { SECRET_BOX, SERVICE_CONFIG } from '../tokens';
import { RobotQueries } from './robot-queries';
import { CREATE_ROBOT_BODY } from './robot.input';
import type { z } from 'zod';
import type { ROBOT_LIST, RobotView } from './robot.view';

function checkNames(namespace: string, name: string): string {
  const problems = [
    ...(repositoryNameProblem(namespace) ? [{ field: 'namespace', message: repositoryNameProblem(namespace)! }] : []),
    ...(robotShortnameProblem(name) ? [{ field: 'robot_shortname', message: robotShortnameProblem(name)! }] : []),
  ];
  if (problems.length) throw new InvalidRequestError(problems);
  return robotUsername(namespace, name);
}

function robotView(row: RobotRow, token?: string): RobotView {
  return {
    name: row.username,
    description: row.description,
    created: quayDate(row.createdAt),
    last_accessed: quayDate(row.lastAccessed),
    unstructured_metadata: {},
    ...(token === undefined ? {} : { token }),
  };
}

/**
 * Robot accounts: the identities that write into mirrored repositories (`robot_username`). A
 * robot's token is kept sealed (the worker signs in with it, an admin may read it again, each
 * reading recorded as `RobotTokenRead`) and hashed (what a request's token is checked against).
 */
@Injectable()
export class RobotService {
  constructor(
    private readonly queries: RobotQueries,
    private readonly namespaces: Namespaces,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    private readonly commands: Commands,
    private readonly permissions: PermissionService,
    private readonly teams: TeamService,
    @Inject(SERVICE_CONFIG) private readonly config: MirrorConfigServiceConfig,
  ) {}

  async create(namespace: string, name: string, body: unknown, causation: Causation) {
    const username = checkNames(namespace, name);
    const { value: fields, ignored } = readBody(CREATE_ROBOT_BODY, body);
    const description = fields.description ?? '';
    await this.namespaces.assertExists(namespace);
    const minted = mintToken(TokenKind.Robot);
    await this.commands.run(
      AggregateKind.Robot,
      username,
      robotDecider,
      { kind: 'create', namespace, name, description, token: this.secrets.seal(minted.token), tokenHash: minted.hash },
      causation,
    );
    return { view: robotView(await this.find(namespace, name), minted.token), ignored };
  }

  /** Quay's robot, with its token: an organization admin's reading, recorded in the usage logs. */
  async get(namespace: string, name: string, causation: Causation) {
    const row = await this.find(namespace, name);
    return robotView(row, await this.readToken(row.username, causation));
  }

  /** "View Credentials": the token as a Docker login, a Docker `config.json` and a Kubernetes pull secret (a reading too). */
  async credentials(namespace: string, name: string, causation: Causation): Promise<RobotCredentials> {
    const row = await this.find(namespace, name);
    return robotCredentials(new URL(this.config.target.registryUrl).host, row.username, await this.readToken(row.username, causation));
  }

  /** Records the reading, then opens the token sealed in the robot's own state (no read model holds it). */
  private async readToken(username: string, causation: Causation): Promise<string> {
    const { state } = await this.commands.append(AggregateKind.Robot, username, robotDecider, { kind: 'read-token' }, causation);
    if (state.status !== 'active') throw new NotFoundError(`no robot named ${username}`);
    return this.secrets.open(state.token);
  }

  async list(namespace: string): Promise<z.output<typeof ROBOT_LIST>> {
    if (repositoryNameProblem(namespace)) throw new InvalidRequestError([{ field: 'namespace', message: repositoryNameProblem(namespace)! }]);
    await this.namespaces.assertExists(namespace);
    const rows = await this.queries.robotsIn(namespace);
    return { robots: rows.map((r) => robotView(r)) };
  }

  /** A new token; the old one stops working as soon as this answers. */
  async regenerate(namespace: string, name: string, causation: Causation) {
    const username = checkNames(namespace, name);
    const minted = mintToken(TokenKind.Robot);
    await this.commands.run(AggregateKind.Robot, username, robotDecider, { kind: 'regenerate-token', token: this.secrets.seal(minted.token), tokenHash: minted.hash }, causation);
    return robotView(await this.find(namespace, name), minted.token);
  }

  /** A deleted robot loses every role it held; a mirror that names it fails its next run. */
  async delete(namespace: string, name: string, causation: Causation): Promise<void> {
    const username = checkNames(namespace, name);
    await this.commands.run(AggregateKind.Robot, username, robotDecider, { kind: 'delete' }, causation);
    await this.permissions.revokeEverywhere({ kind: 'robot', name: username }, causation);
    await this.teams.removeEverywhere({ kind: 'robot', name: username }, causation);
  }

  private async find(namespace: string, name: string): Promise<RobotRow> {
    const username = checkNames(namespace, name);
    const row = await this.queries.robot(username);
    if (!row) throw new NotFoundError(`no robot named ${username}`);
    return row;
  }
}
