import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DomainErrorCode, type NewEvent, type OAuthApplicationEvent } from '@ferry/contracts';
import {
  CLIENT_ID_LENGTH,
  errorRedirect,
  oauthApplicationDecider,
  parseScopeString,
  randomAlphanumeric,
  redirectUriAllowed,
  tokenRedirect,
  type OAuthApplicationCommand,
  type OAuthApplicationState,
} from './oauth-application.decider';

function run(commands: OAuthApplicationCommand[]): { state: OAuthApplicationState; decided: NewEvent<OAuthApplicationEvent>[][] } {
  let state = oauthApplicationDecider.initialState();
  const decided: NewEvent<OAuthApplicationEvent>[][] = [];
  for (const command of commands) {
    const events = oauthApplicationDecider.decide(command, state);
    decided.push(events);
    for (const e of events) state = oauthApplicationDecider.evolve(state, e as unknown as OAuthApplicationEvent);
  }
  return { state, decided };
}

const fields = { name: 'deployer', description: '', applicationUri: '', redirectUri: 'https://ci.example.com/cb', avatarEmail: null };
const create: OAuthApplicationCommand = { kind: 'create', organization: 'acme', clientId: 'C1', clientSecret: { keyId: 'k', ciphertext: 'one' }, ...fields };
const types = (decided: NewEvent<OAuthApplicationEvent>[][]) => decided.map((events) => events.map((e) => e.type));

describe('OAuth application decider', () => {
  it('creates once (a retried create records nothing), updates on a change only, resets the secret, deletes once', () => {
    const { decided, state } = run([
      create,
      create,
      { kind: 'update', ...fields },
      { kind: 'update', ...fields, name: 'deployer 2' },
      { kind: 'reset-client-secret', clientSecret: { keyId: 'k', ciphertext: 'two' } },
      { kind: 'delete' },
    ]);
    assert.deepEqual(types(decided), [['OAuthApplicationCreated'], [], [], ['OAuthApplicationUpdated'], ['OAuthApplicationClientSecretReset'], ['OAuthApplicationDeleted']]);
    assert.equal(state.status, 'deleted');
    for (const command of [{ kind: 'delete' }, { kind: 'update', ...fields }, { kind: 'reset-client-secret', clientSecret: { keyId: 'k', ciphertext: 'x' } }] as OAuthApplicationCommand[]) {
      assert.throws(() => oauthApplicationDecider.decide(command, state), { code: DomainErrorCode.OAuthApplicationNotFound });
    }
  });

  it('keeps the new secret and the new fields in its state (what replay rebuilds)', () => {
    const { state } = run([create, { kind: 'update', ...fields, description: 'ships images' }, { kind: 'reset-client-secret', clientSecret: { keyId: 'k', ciphertext: 'two' } }]);
    assert.equal(state.status === 'active' && state.description, 'ships images');
    assert.deepEqual(state.status === 'active' && state.clientSecret, { keyId: 'k', ciphertext: 'two' });
  });
});

describe('OAuth scope strings (Quay\'s auth/scopes.py)', () => {
  it('reads scopes separated by spaces or commas, once each', () => {
    assert.deepEqual(parseScopeString('repo:read repo:write'), ['repo:read', 'repo:write']);
    assert.deepEqual(parseScopeString('repo:read,org:admin repo:read'), ['repo:read', 'org:admin']);
  });

  it('refuses none, and any scope Quay does not know', () => {
    assert.equal(parseScopeString(''), null);
    assert.equal(parseScopeString(undefined), null);
    assert.equal(parseScopeString('repo:read repo:delete'), null);
  });
});

describe('redirect URIs (Quay\'s validate_redirect_uri)', () => {
  const app = 'https://ci.example.com/oauth/callback';

  it('allows the application\'s URI and paths under it', () => {
    assert.equal(redirectUriAllowed(app, app), true);
    assert.equal(redirectUriAllowed(app, `${app}/more?x=1`), true);
  });

  it('refuses another scheme, host or path, user info, traversal (even encoded), an @ and encoding after the prefix', () => {
    for (const uri of [
      'http://ci.example.com/oauth/callback',
      'https://evil.example.com/oauth/callback',
      'https://ci.example.com.evil.com/oauth/callback',
      'https://ci.example.com/other',
      'https://user:pw@ci.example.com/oauth/callback',
      'https://ci.example.com/oauth/callback/../../steal',
      'https://ci.example.com/oauth/callback/%2e%2e/steal',
      'https://ci.example.com/oauth/callback@evil.com',
      'https://ci.example.com/oauth/callback%2Fx',
      'not a url',
      '',
    ]) {
      assert.equal(redirectUriAllowed(app, uri), false, uri);
    }
    assert.equal(redirectUriAllowed('', app), false);
  });
});

describe('the implicit grant\'s redirects', () => {
  it('puts the token in the fragment, the scope and state in the query', () => {
    const location = tokenRedirect('https://ci.example.com/cb?keep=1', { accessToken: 'ferry_pat_abc', expiresIn: 10, scope: 'repo:read', state: 's1' });
    assert.equal(location, 'https://ci.example.com/cb?keep=1&scope=repo%3Aread&state=s1#access_token=ferry_pat_abc&token_type=Bearer&expires_in=10');
  });

  it('sends an OAuth error in the query', () => {
    assert.equal(errorRedirect('https://ci.example.com/cb', 'invalid_scope'), 'https://ci.example.com/cb?error=invalid_scope');
  });

  it('draws client ids of Quay\'s length and alphabet', () => {
    const ids = new Set(Array.from({ length: 50 }, () => randomAlphanumeric(CLIENT_ID_LENGTH)));
    assert.equal(ids.size, 50);
    for (const id of ids) assert.match(id, /^[A-Za-z0-9]{20}$/);
  });
});
