import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { aggregateSubject, AggregateKind, robotUsername } from '@ferry/contracts';
import { handleCommand, type Causation, type EventStore } from '@ferry/event-store';
import { repositoryNameProblem, robotDecider, type FieldProblem } from '@ferry/mirror';
import { RobotRow, type ProjectionRunner } from '@ferry/read-models';
import type { SecretBox } from '@ferry/secrets';
import { DATA_SOURCE, EVENT_STORE } from '@ferry/service-runtime';
import { InvalidRequestError, NotFoundError } from '../http/problem';
import { quayTime } from '../mirror/mirror.view';
import { API_PROJECTIONS, SECRET_BOX } from '../tokens';

const ROBOT_NAME = /^[a-z][a-z0-9_]{1,254}$/;

function validate(namespace: string, name: string, body: unknown): { description: string } {
  const problems: FieldProblem[] = [];
  const ns = repositoryNameProblem(namespace);
  if (ns) problems.push({ field: 'namespace', message: ns });
  if (!ROBOT_NAME.test(name)) problems.push({ field: 'robot_shortname', message: 'must start with a letter and hold 2 to 255 lowercase letters, digits or _' });
  let description = '';
  if (body !== undefined && body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const d = (body as Record<string, unknown>).description;
    if (d !== undefined && (typeof d !== 'string' || d.length > 255)) problems.push({ field: 'description', message: 'must be a string of at most 255 characters' });
    else if (typeof d === 'string') description = d;
  } else if (body !== undefined && body !== null && Object.keys(body as object).length > 0) {
    problems.push({ field: '(body)', message: 'must be a JSON object' });
  }
  if (problems.length) throw new InvalidRequestError(problems);
  return { description };
}

/** Robot accounts: the identities that write into mirrored repositories (`robot_username`). */
@Injectable()
export class RobotService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    @Inject(API_PROJECTIONS) private readonly projections: ProjectionRunner,
  ) {}

  /** Creates the robot and shows its token this once; afterwards only its sealed form exists. */
  async create(namespace: string, name: string, body: unknown, causation: Causation) {
    const { description } = validate(namespace, name, body);
    const username = robotUsername(namespace, name);
    const token = randomBytes(32).toString('base64url');
    const result = await handleCommand(
      this.store,
      aggregateSubject(this.store.prefix, AggregateKind.Robot, username),
      username,
      robotDecider,
      { kind: 'create', namespace, name, description, token: this.secrets.seal(token) },
      causation,
    );
    await this.projections.waitFor(result.events.at(-1)!.position);
    return { name: username, description, token, created: quayTime(new Date(result.events[0]!.occurredAt)) };
  }

  async get(namespace: string, name: string) {
    validate(namespace, name, undefined);
    const row = await this.dataSource.getRepository(RobotRow).findOneBy({ username: robotUsername(namespace, name) });
    if (!row) throw new NotFoundError(`no robot named ${robotUsername(namespace, name)}`);
    return { name: row.username, description: row.description, created: quayTime(row.createdAt) };
  }
}
