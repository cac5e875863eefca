import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dockerHubRepositories } from './docker-hub-repositories';
import { repositoryLister } from './repository-lister';
import type { RepositorySource } from './repository-source';
import { LOOPBACK_OPTIONS, allPages, startApiDouble, type ApiDouble, type DoubleAnswer, type RecordedRequest, failureOf } from './api-double.fixtures';

const USER = { username: 'acmebot', password: 'dckr_pat_s3cret' };
const NAMES = ['alpine-tools', 'app', 'base', 'cache', 'db'];

/** Docker Hub: `POST /v2/users/login` trades a password or access token for a JWT; listings page by `next`. */
function hub() {
  let issued = 0;
  /** Tokens the double has revoked (as if expired). */
  const revoked = new Set<string>();
  const answer = (req: RecordedRequest): DoubleAnswer => {
    if (req.method === 'POST' && req.path === '/v2/users/login') {
      const { username, password } = JSON.parse(req.body) as { username: string; password: string };
      if (username !== USER.username || password !== USER.password) return { status: 401, json: { detail: 'Incorrect authentication credentials' } };
      return { json: { token: `jwt-${++issued}` } };
    }
    const m = /^\/v2\/namespaces\/([^/]+)\/repositories$/.exec(req.path);
    if (!m) return { status: 404, json: { message: 'page not found' } };
    if (m[1] === 'ghost') return { status: 404, json: { message: 'object not found', errinfo: {} } };
    if (req.authorization && (!req.authorization.startsWith('Bearer jwt-') || revoked.has(req.authorization.slice(7)))) return { status: 401, json: { detail: 'token expired' } };
    const page = Number(req.query.get('page') ?? 1);
    const size = Number(req.query.get('page_size') ?? 10);
    const slice = NAMES.slice((page - 1) * size, page * size);
    const more = page * size < NAMES.length;
    return {
      json: {
        count: NAMES.length,
        next: more ? `https://hub.docker.com/v2/namespaces/${m[1]}/repositories?page=${page + 1}&page_size=${size}` : null,
        previous: null,
        results: slice.map((name) => ({ name, namespace: m[1], repository_type: 'image', is_private: false })),
      },
    };
  };
  return { answer, revoke: (token: string) => revoked.add(token) };
}

describe('listing a Docker Hub namespace', () => {
  let api: ApiDouble;
  const state = hub();
  const source = (over: Partial<RepositorySource> = {}): RepositorySource => ({ type: 'dockerhub', url: api.url, namespace: 'acme', verifyTls: true, credentials: USER, ...over });
  before(async () => {
    api = await startApiDouble(state.answer);
  });
  after(() => api.close());

  it('logs in once, then pages by next with the JWT as a Bearer token', async () => {
    const seen = api.requests.length;
    const lister = repositoryLister(source(), LOOPBACK_OPTIONS);
    const pages = await allPages((c) => lister.listPage(c, { pageSize: 2 }));
    await lister.close();
    assert.deepEqual(pages.map((p) => p.repositories), [['alpine-tools', 'app'], ['base', 'cache'], ['db']]);
    const sent = api.requests.slice(seen);
    assert.deepEqual(sent.map((r) => `${r.method} ${r.path}`), ['POST /v2/users/login', ...Array(3).fill('GET /v2/namespaces/acme/repositories')]);
    const token = sent[1]!.authorization;
    assert.match(token ?? '', /^Bearer jwt-\d+$/);
    assert.ok(sent.slice(1).every((r) => r.authorization === token));
    assert.deepEqual(sent.slice(1).map((r) => r.query.get('page')), ['1', '2', '3']);
  });

  it('resumes from a cursor with a new lister', async () => {
    const first = repositoryLister(source(), LOOPBACK_OPTIONS);
    const page1 = await first.listPage(null, { pageSize: 2 });
    await first.close();
    const resumed = repositoryLister(source(), LOOPBACK_OPTIONS);
    const rest = await allPages((c) => resumed.listPage(c), page1.next);
    await resumed.close();
    assert.deepEqual([...page1.repositories, ...rest.flatMap((p) => p.repositories)], NAMES);
  });

  it('lists public repositories anonymously, without logging in', async () => {
    const seen = api.requests.length;
    const lister = repositoryLister(source({ credentials: undefined }), LOOPBACK_OPTIONS);
    const page = await lister.listPage(null);
    await lister.close();
    assert.deepEqual(page, { repositories: NAMES, next: null });
    assert.deepEqual(api.requests.slice(seen).map((r) => [r.method, r.authorization]), [['GET', undefined]]);
  });

  it('logs in again once when the JWT has expired mid-listing', async () => {
    const lister = repositoryLister(source(), LOOPBACK_OPTIONS);
    const page1 = await lister.listPage(null, { pageSize: 2 });
    state.revoke(api.requests.at(-1)!.authorization!.slice(7));
    const seen = api.requests.length;
    const page2 = await lister.listPage(page1.next, { pageSize: 2 });
    await lister.close();
    assert.deepEqual(page2.repositories, ['base', 'cache']);
    assert.deepEqual(api.requests.slice(seen).map((r) => `${r.method} ${r.path} ${r.authorization ?? ''}`.trim()).map((s) => s.replace(/jwt-\d+/, 'jwt')), [
      'GET /v2/namespaces/acme/repositories Bearer jwt',
      'POST /v2/users/login',
      'GET /v2/namespaces/acme/repositories Bearer jwt',
    ]);
  });

  it('fails UNAUTHORIZED for a wrong password, pointing at access tokens, without the password in the message', async () => {
    const lister = repositoryLister(source({ credentials: { username: USER.username, password: 'wrong-s3cret' } }), LOOPBACK_OPTIONS);
    const error = await failureOf(lister.listPage(null));
    await lister.close();
    assert.equal(error.code, 'UNAUTHORIZED');
    assert.match(error.message, /personal access token/);
    assert.doesNotMatch(error.message, /s3cret/);
  });

  it('fails NOT_FOUND for a namespace the Hub does not have', async () => {
    const lister = repositoryLister(source({ namespace: 'ghost' }), LOOPBACK_OPTIONS);
    await assert.rejects(lister.listPage(null), { code: 'NOT_FOUND' });
    await lister.close();
  });

  it('reads docker.io, registry-1.docker.io and hub.docker.com as the API at https://hub.docker.com', () => {
    for (const registry of ['https://docker.io', 'https://registry-1.docker.io', 'https://index.docker.io', 'https://hub.docker.com/']) {
      assert.equal(dockerHubRepositories.apiUrl!(new URL(registry)).href, 'https://hub.docker.com/', registry);
    }
    assert.equal(dockerHubRepositories.apiUrl!(new URL('http://127.0.0.1:8080')).href, 'http://127.0.0.1:8080/');
  });
});
