import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AggregateKind, SCOPES } from '@ferry/contracts';
import type { Causation } from '@ferry/event-store';
import { mintToken, TokenKind, tokenHash, userDecider } from '@ferry/identity';
import { Authenticator } from '../auth/authenticator';
import { csrfTokenOf, SESSION_TOKEN_TITLE } from '../auth/session';
import { Commands } from '../commands';
import type { MirrorConfigServiceConfig } from '../config';
import { readBody } from '../http/request-body';
import { SERVICE_CONFIG } from '../tokens';
import { UserQueries } from '../users/user-queries';
import { SIGN_IN_BODY } from './session.input';
import type { SignedInView } from './session.view';

/** A started session: the secret for the cookie, and what the answer may show. */
export interface StartedSession {
  token: string;
  view: SignedInView;
  ignored: string[];
}

/**
 * The web console's sessions. A sign-in checks the password as every password sign-in is checked
 * (throttled, logged without the password) and mints an API token that expires after
 * FERRY_SESSION_SECONDS; a sign-out revokes it. Only the token's sha256 is stored.
 */
@Injectable()
export class SessionService {
  constructor(
    private readonly users: UserQueries,
    @Inject(SERVICE_CONFIG) private readonly config: MirrorConfigServiceConfig,
    private readonly authenticator: Authenticator,
    private readonly commands: Commands,
  ) {}

  async signIn(body: unknown, address: string, causation: Causation): Promise<StartedSession> {
    const { value, ignored } = readBody(SIGN_IN_BODY, body);
    const caller = await this.authenticator.signIn(value.username, value.password, address);
    const minted = mintToken(TokenKind.User);
    const expiresAt = new Date(Date.now() + this.config.sessionSeconds * 1000).toISOString();
    await this.commands.run(
      AggregateKind.User,
      caller.username,
      userDecider,
      { kind: 'create-token', tokenId: randomUUID(), title: SESSION_TOKEN_TITLE, scopes: [...SCOPES], expiresAt, tokenHash: minted.hash, session: true },
      // The one signing in is the actor, though nobody was signed in when the call came.
      { ...causation, actor: { kind: 'user', name: caller.username } },
    );
    return { token: minted.token, view: { success: true, username: caller.username, expires_at: expiresAt, csrf_token: csrfTokenOf(minted.token) }, ignored };
  }

  /** Revokes the session's token, when it is one that is still live; signing out twice is no error. */
  async signOut(token: string, causation: Causation): Promise<void> {
    const row = await this.users.liveTokenByHash(tokenHash(token));
    if (!row || row.title !== SESSION_TOKEN_TITLE) return;
    await this.commands.run(AggregateKind.User, row.username, userDecider, { kind: 'revoke-token', tokenId: row.tokenId }, causation);
  }
}
