import { Inject, Injectable } from '@nestjs/common';
import { AggregateKind } from '@ferry/contracts';
import type { Causation } from '@ferry/event-store';
import { mintClientKey, userDecider, type Caller } from '@ferry/identity';
import type { SecretBox } from '@ferry/secrets';
import { Authenticator } from '../auth/authenticator';
import { CredentialQueries } from '../auth/credential-queries';
import { Commands } from '../commands';
import { InvalidRequestError, NotFoundError, UnauthenticatedError } from '../http/problem';
import { readBody } from '../http/request-body';
import { SECRET_BOX } from '../tokens';
import { CLIENT_KEY_BODY } from './client-key.input';

/**
 * Quay's encrypted password (`POST /user/clientkey`): after the user confirms the password (a
 * sign-in like any other: throttled, logged without it), a key `docker login` takes in its place.
 * The key is not stored; its issue is recorded (`ClientKeyIssued`), and a password change ends it.
 */
@Injectable()
export class ClientKeyService {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly credentials: CredentialQueries,
    private readonly commands: Commands,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
  ) {}

  async issue(caller: Caller, body: unknown, address: string, causation: Causation): Promise<{ view: { key: string }; ignored: string[] }> {
    const { value, ignored } = readBody(CLIENT_KEY_BODY, body);
    await this.authenticator.signIn(caller.username, value.password, address).catch((error: unknown) => {
      // Quay answers a wrong password with a 400 (the caller is signed in; the password is the input).
      throw error instanceof UnauthenticatedError ? new InvalidRequestError([{ field: 'password', message: 'is not the user\'s password' }]) : error;
    });
    const user = await this.credentials.user(caller.username);
    if (!user?.passwordHash) throw new NotFoundError(`${caller.username} has no password to stand in for`);
    await this.commands.run(AggregateKind.User, caller.username, userDecider, { kind: 'issue-client-key' }, causation);
    return { view: { key: mintClientKey(this.secrets, caller.username, user.passwordHash) }, ignored };
  }
}
