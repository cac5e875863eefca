import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { LookupFunction } from 'node:net';
import { pastPrefix } from './distribution-catalog';
import { repositoryLister } from './repository-lister';
import type { RepositorySource } from './repository-source';
import { LOOPBACK_OPTIONS, startApiDouble, type ApiDouble } from './api-double.fixtures';

const source = (over: Partial<RepositorySource>): RepositorySource => ({ type: 'quay', url: 'https://quay.example', namespace: 'acme', verifyTls: true, ...over });

describe('a repository source the lister cannot take', () => {
  it('is refused for a namespace its API cannot list', () => {
    const refused: Array<Partial<RepositorySource>> = [
      { type: 'quay', namespace: '' },
      { type: 'harbor', namespace: 'a/b' },
      { type: 'dockerhub', namespace: 'Acme' },
      { type: 'distribution', namespace: 'org//team' },
      { type: 'distribution', namespace: '/org' },
    ];
    for (const over of refused) assert.throws(() => repositoryLister(source(over), LOOPBACK_OPTIONS), { code: 'INVALID_REFERENCE' }, JSON.stringify(over));
  });

  it('takes an empty namespace as the whole registry for distribution only, and nested paths there', async () => {
    for (const namespace of ['', 'org', 'org/team']) await repositoryLister(source({ type: 'distribution', namespace }), LOOPBACK_OPTIONS).close();
  });

  it('is refused for a URL with credentials, a path or another scheme, and the message does not repeat the URL', () => {
    for (const url of ['https://user:pa55word@quay.example', 'https://quay.example/api', 'https://quay.example?x=1', 'ftp://quay.example', 'https://', 'not a url']) {
      assert.throws(() => repositoryLister(source({ url }), LOOPBACK_OPTIONS), (e: Error & { code: string }) => e.code === 'INVALID_REFERENCE' && !e.message.includes('pa55word'), url);
    }
  });

  it('is refused for an unknown source type', () => {
    assert.throws(() => repositoryLister(source({ type: 'gitlab' as RepositorySource['type'] }), LOOPBACK_OPTIONS), { code: 'INVALID_REFERENCE' });
  });
});

describe('the address guard of a listing', () => {
  it('refuses a source on loopback that the allowed hosts do not list', async () => {
    const api = await startApiDouble(() => ({ json: { repositories: [] } }));
    const lister = repositoryLister(source({ url: api.url }), { ...LOOPBACK_OPTIONS, addressGuard: { allowedHosts: [] } });
    await assert.rejects(lister.listPage(null), { code: 'UPSTREAM_NOT_ALLOWED' });
    await lister.close();
    assert.equal(api.requests.length, 0);
    await api.close();
  });

  it('vets the Docker Hub API host that docker.io stands for, after DNS', async () => {
    const asked: string[] = [];
    const lookup = ((host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
      asked.push(host);
      if (options.all) callback(null, [{ address: '10.0.0.7', family: 4 }]);
      else callback(null, '10.0.0.7', 4);
    }) as unknown as LookupFunction;
    const lister = repositoryLister(source({ type: 'dockerhub', url: 'docker.io' }), { retry: { maxAttempts: 1, baseMs: 1, maxMs: 1 }, addressGuard: { allowedHosts: [], lookup } });
    await assert.rejects(lister.listPage(null), { code: 'UPSTREAM_NOT_ALLOWED', message: /hub\.docker\.com resolves to 10\.0\.0\.7/ });
    await lister.close();
    assert.deepEqual([...new Set(asked)], ['hub.docker.com']);
  });
});

describe('a product API that answers badly', () => {
  let api: ApiDouble;
  let failuresLeft = 0;
  before(async () => {
    api = await startApiDouble((req) => {
      const ns = req.query.get('namespace');
      if (ns === 'flaky' && failuresLeft-- > 0) return { status: 503, json: { error_message: 'busy' } };
      if (ns === 'down') return { status: 503, headers: { 'retry-after': '0' }, json: { error_message: 'down' } };
      if (ns === 'html') return { text: '<html>sign in</html>' };
      if (ns === 'odd') return { json: { items: [] } };
      return { json: { repositories: [{ namespace: ns, name: 'app' }] } };
    });
  });
  after(() => api.close());

  it('is retried through a transient 503', async () => {
    failuresLeft = 1;
    const lister = repositoryLister(source({ url: api.url, namespace: 'flaky' }), LOOPBACK_OPTIONS);
    assert.deepEqual(await lister.listPage(null), { repositories: ['app'], next: null });
    await lister.close();
  });

  it('fails REGISTRY_UNAVAILABLE, retryable, once retries run out', async () => {
    const lister = repositoryLister(source({ url: api.url, namespace: 'down' }), LOOPBACK_OPTIONS);
    await assert.rejects(lister.listPage(null), { code: 'REGISTRY_UNAVAILABLE', retryable: true, status: 503 });
    await lister.close();
  });

  it('fails UNEXPECTED_RESPONSE for an answer that is not JSON, or not the documented JSON', async () => {
    for (const namespace of ['html', 'odd']) {
      const lister = repositoryLister(source({ url: api.url, namespace }), LOOPBACK_OPTIONS);
      await assert.rejects(lister.listPage(null), { code: 'UNEXPECTED_RESPONSE' }, namespace);
      await lister.close();
    }
  });

  it('fails UPSTREAM_UNREACHABLE, retryable, when nothing listens', async () => {
    const gone = await startApiDouble(() => ({}));
    await gone.close();
    const lister = repositoryLister(source({ url: gone.url }), LOOPBACK_OPTIONS);
    await assert.rejects(lister.listPage(null), { code: 'UPSTREAM_UNREACHABLE', retryable: true });
    await lister.close();
  });
});

describe('where the distribution catalog leaves a namespace', () => {
  it('is at a name after every name under it in both plain and component order', () => {
    for (const name of ['alpha0', 'alphabet/x', 'alpha_x', 'beta/app', 'b']) assert.equal(pastPrefix(name, 'alpha/'), true, name);
  });
  it('is not at a name that sorts after the namespace in one order only, or before it', () => {
    // distribution puts `alpha-tools` after `alpha/…` (its `/` sorts first); a plain sort puts it before.
    for (const name of ['alpha-tools/x', 'alpha.io/y', 'alpha', 'aaa/first', 'al']) assert.equal(pastPrefix(name, 'alpha/'), false, name);
  });
  it('handles nested namespaces', () => {
    assert.equal(pastPrefix('org/team2/x', 'org/team/'), true);
    assert.equal(pastPrefix('org/team-b/x', 'org/team/'), false);
    assert.equal(pastPrefix('org/tea/x', 'org/team/'), false);
  });
});
