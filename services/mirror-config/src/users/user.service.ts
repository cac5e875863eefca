import { Inject, Injectable } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { AggregateKind, SCOPES } from '@ferry/contracts';
import type { Causation } from '@ferry/event-store';
import { hashPassword, mintClientKey, mintToken, TokenKind, tokenHash, userDecider, type Caller, type UserCommand } from '@ferry/identity';
import type { ApiTokenRow, UserRow } from '@ferry/read-models';
import type { SecretBox } from '@ferry/secrets';
import { Commands } from '../commands';
import type { MirrorConfigServiceConfig } from '../config';
import { InvalidRequestError, NotFoundError } from '../http/problem';
import { quayDate } from '../http/quay-body';
import { readBody } from '../http/request-body';
import { Namespaces } from '../namespaces';
import { SECRET_BOX, SERVICE_CONFIG } from '../tokens';
import { TeamService } from '../teams/team.service';
import { PermissionService } from '../repositories/permission.service';
import { UserQueries } from './user-queries';
import { CREATE_TOKEN_BODY, CREATE_USER_BODY, MANAGE_USER_BODY, UPDATE_USER_BODY } from './user.input';
import type { z } from 'zod';
import type { API_TOKEN_ANSWER, API_TOKEN_LIST, ApiTokenView, ChangedUserView, CREATED_API_TOKEN, CREATED_USER, ManagedUserView, USER_LIST, UserView } from './user.view';

function tokenView(row: ApiTokenRow, lastUsed: Date | null): ApiTokenView {
  return {
    uuid: row.tokenId,
    title: row.title,
    scopes: row.scopes,
    created: quayDate(row.createdAt),
    expiration: quayDate(row.expiresAt),
    last_accessed: quayDate(lastUsed),
  };
}

const userAvatar = (name: string) => ({ name, hash: '', color: '#0066cc', kind: 'user' });

/** Users, their passwords and API tokens; superusers manage the users. */
@Injectable()
export class UserService {
  constructor(
    private readonly queries: UserQueries,
    private readonly namespaces: Namespaces,
    @Inject(SERVICE_CONFIG) private readonly config: MirrorConfigServiceConfig,
    private readonly commands: Commands,
    private readonly permissions: PermissionService,
    private readonly teams: TeamService,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
  ) {}

  /** Quay's `user_view` of the caller. */
  async me(caller: Caller): Promise<UserView> {
    if (caller.kind !== 'user') throw new NotFoundError('robots have no user view');
    const user = await this.queries.user(caller.username);
    if (!user) throw new NotFoundError(`no user ${caller.username}`);
    const orgs = await this.queries.organizationsOf(caller.username);
    return {
      anonymous: false,
      username: user.username,
      email: user.email,
      verified: true,
      avatar: userAvatar(user.username),
      can_create_repo: true,
      is_me: true,
      has_password_set: user.passwordHash !== null,
      logins: [],
      prompts: [],
      organizations: orgs.map(({ organization: o, role }) => {
        return { name: o.name, avatar: { name: o.name, hash: '', color: '#0066cc', kind: 'org' }, can_create_repo: role === 'admin' || role === 'write', public: false, is_org_admin: role === 'admin' };
      }),
      super_user: caller.superuser,
    };
  }

  /** PUT /user/: a new password or e-mail address. */
  async update(caller: Caller, body: unknown, causation: Causation) {
    const { value: fields, ignored } = readBody(UPDATE_USER_BODY, body);
    const password = fields.password;
    // Quay ends the user's other sessions and signs this one in again: the session it came with lives on.
    if (password !== undefined) {
      const keepSession = caller.kind === 'user' && caller.tokenId !== null ? { keepSession: caller.tokenId } : {};
      await this.commands.run(AggregateKind.User, caller.username, userDecider, { kind: 'change-password', password: await hashPassword(password), ...keepSession }, causation);
    }
    if (fields.email !== undefined) await this.commands.run(AggregateKind.User, caller.username, userDecider, { kind: 'update', email: fields.email }, causation);
    return { view: await this.me(caller), ignored };
  }

  async create(body: unknown, causation: Causation): Promise<{ view: z.output<typeof CREATED_USER>; ignored: string[] }> {
    const { value: fields, ignored } = readBody(CREATE_USER_BODY, body);
    const { username } = fields;
    const email = fields.email ?? null;
    // Quay answers a superuser's new user with a generated password; one may be given instead.
    const given = fields.password;
    if (await this.namespaces.isOrganization(username)) {
      throw new InvalidRequestError([{ field: 'username', message: 'is the name of an organization' }]);
    }
    const password = given ?? randomBytes(18).toString('base64url');
    const hash = await hashPassword(password);
    await this.commands.run(AggregateKind.User, username, userDecider, { kind: 'create', username, email, password: hash }, causation);
    return { view: { username, email, password: given === undefined ? password : undefined, encrypted_password: mintClientKey(this.secrets, username, hash) }, ignored };
  }

  /** The bootstrap admin: created once, with its password and (optionally) a token both chosen by `npm start`. */
  async ensureBootstrapAdmin(causation: Causation): Promise<void> {
    const admin = this.config.bootstrapAdmin;
    if (!admin) return;
    const created = await this.commands.run(AggregateKind.User, admin.username, userDecider, { kind: 'create', username: admin.username, email: null, password: await hashPassword(admin.password), ifAbsent: true }, causation);
    if (admin.token === undefined) return;
    const hash = tokenHash(admin.token);
    if (created.events.length === 0 && (await this.queries.tokenHashExists(hash))) return;
    await this.commands.run(
      AggregateKind.User,
      admin.username,
      userDecider,
      { kind: 'create-token', tokenId: randomUUID(), title: 'bootstrap', scopes: [...SCOPES], expiresAt: null, tokenHash: hash, token: this.secrets.seal(admin.token) },
      causation,
    );
  }

  async list(): Promise<z.output<typeof USER_LIST>> {
    const users = await this.queries.users();
    return { users: users.map((u) => this.managedView(u)) };
  }

  /** Quay's superuser view of one user; a robot's name names no user (404), as in Quay. */
  async managed(username: string): Promise<ManagedUserView> {
    const user = await this.queries.user(username);
    if (!user) throw new NotFoundError(`no user ${username}`);
    return this.managedView(user);
  }

  /**
   * A superuser changes a user (Quay's PUT /superuser/users/{name}): a new password (the old one
   * no longer signs in, and neither do the user's sessions and encrypted passwords; API tokens and
   * tokens of OAuth applications live on, as in Quay), e-mail address, or enabled or not (a disabled user's password, tokens
   * and sessions are refused until enabled again). A superuser is not changed here, as in Quay.
   * What changes nothing appends nothing.
   */
  async manage(username: string, body: unknown, causation: Causation): Promise<{ view: ChangedUserView; ignored: string[] }> {
    const { value: fields, ignored } = readBody(MANAGE_USER_BODY, body);
    await this.managed(username);
    if (this.config.superusers.includes(username)) throw new InvalidRequestError([{ field: 'username', message: 'names a superuser, who cannot be changed here' }]);
    const run = (command: UserCommand) => this.commands.run(AggregateKind.User, username, userDecider, command, causation);
    const hash = fields.password === undefined ? null : await hashPassword(fields.password);
    if (hash) await run({ kind: 'change-password', password: hash });
    if (fields.email !== undefined) await run({ kind: 'update', email: fields.email });
    if (fields.enabled !== undefined) await run({ kind: 'set-enabled', enabled: fields.enabled });
    // Quay answers a new password with its encrypted password, for `docker login`.
    return { view: { ...(await this.managed(username)), ...(hash ? { encrypted_password: mintClientKey(this.secrets, username, hash) } : {}) }, ignored };
  }

  private managedView(user: UserRow): ManagedUserView {
    const { username } = user;
    return { kind: 'user', name: username, username, email: user.email, verified: true, avatar: userAvatar(username), super_user: this.config.superusers.includes(username), enabled: user.enabled };
  }

  /** A superuser removes a user: its tokens go with it, and so does every role it held. */
  async delete(username: string, causation: Causation): Promise<void> {
    if (this.config.superusers.includes(username)) throw new InvalidRequestError([{ field: 'username', message: 'names a superuser, who cannot be deleted' }]);
    await this.commands.run(AggregateKind.User, username, userDecider, { kind: 'delete' }, causation);
    await this.permissions.revokeEverywhere({ kind: 'user', name: username }, causation);
    await this.teams.removeEverywhere({ kind: 'user', name: username }, causation);
  }

  // ---- API tokens (Quay's app-specific tokens, with scopes and an expiry) -----------------------

  async listTokens(caller: Caller): Promise<z.output<typeof API_TOKEN_LIST>> {
    const tokens = await this.queries.liveTokens(caller.username);
    return { tokens: tokens.map(({ token, lastUsed }) => tokenView(token, lastUsed)), only_expiring: null };
  }

  /**
   * Quay's token with its `token_code`, read again by its owner and recorded (`ApiTokenRead`). A
   * token made before tokens were kept sealed has only its hash: it is answered as a missing one.
   */
  async getToken(caller: Caller, tokenId: string, causation: Causation): Promise<z.output<typeof API_TOKEN_ANSWER>> {
    const row = await this.findToken(caller, tokenId);
    const { state } = await this.commands.append(AggregateKind.User, caller.username, userDecider, { kind: 'read-token', tokenId }, causation);
    const sealed = state.status === 'active' ? state.tokens[tokenId]?.sealed : null;
    if (!sealed) throw new NotFoundError(`no token ${tokenId}`);
    return { token: { ...tokenView(row, await this.queries.lastUsed(tokenId)), token_code: this.secrets.open(sealed) } };
  }

  /** The token is in this answer; it is kept sealed (for its owner's later readings) and hashed (to check it). */
  async createToken(caller: Caller, body: unknown, causation: Causation): Promise<{ view: z.output<typeof CREATED_API_TOKEN>; ignored: string[] }> {
    const { value: fields, ignored } = readBody(CREATE_TOKEN_BODY, body);
    const { title } = fields;
    const scopes = fields.scopes ?? [...SCOPES];
    const expiresAt = fields.expiration ? new Date(fields.expiration).toISOString() : null;
    const tokenId = randomUUID();
    const minted = mintToken(TokenKind.User);
    await this.commands.run(
      AggregateKind.User,
      caller.username,
      userDecider,
      { kind: 'create-token', tokenId, title, scopes: [...new Set(scopes)], expiresAt, tokenHash: minted.hash, token: this.secrets.seal(minted.token) },
      causation,
    );
    const row = await this.findToken(caller, tokenId);
    return { view: { token: { ...tokenView(row, null), token_code: minted.token } }, ignored };
  }

  async revokeToken(caller: Caller, tokenId: string, causation: Causation): Promise<void> {
    await this.findToken(caller, tokenId);
    await this.commands.run(AggregateKind.User, caller.username, userDecider, { kind: 'revoke-token', tokenId }, causation);
  }

  private async findToken(caller: Caller, tokenId: string): Promise<ApiTokenRow> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(tokenId)) throw new InvalidRequestError([{ field: 'uuid', message: 'must be a token id (UUID)' }]);
    const row = await this.queries.liveToken(caller.username, tokenId);
    if (!row) throw new NotFoundError(`no token ${tokenId}`);
    return row;
  }
}
