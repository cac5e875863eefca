import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pushImage, startRegistry, type RunningRegistry } from '@ferry/testing';
import { repositoryLister } from './repository-lister';
import type { RepositoryListerOptions, RepositoryPage, RepositorySource } from './repository-source';

const ALPHA = [...Array.from({ length: 15 }, (_, i) => `app-${String(i).padStart(2, '0')}`), 'team/x', 'team/y', 'zeta'];
const BETA = Array.from({ length: 13 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
/** Names beside the namespaces, where plain and component order disagree (`-` and `.` sort before `/` in a plain sort). */
const NEIGHBOURS = ['aaa/first', 'alpha-tools/cli', 'alpha.io/web', 'alphabet/soup', 'zulu/last'];
const ALL = [...ALPHA.map((n) => `alpha/${n}`), ...BETA.map((n) => `beta/${n}`), ...NEIGHBOURS];

/** distribution 2.8's catalog order: component by component, `/` before every other character. */
const byComponents = (a: string, b: string) => {
  const [x, y] = [a.replaceAll('/', '\0'), b.replaceAll('/', '\0')];
  return x < y ? -1 : x > y ? 1 : 0;
};

/** Pushes the same small image to each repository (its blobs are stored once). */
async function seed(registry: RunningRegistry, names: readonly string[]): Promise<void> {
  for (const name of names) await pushImage(registry, name, 'v1', { mediaType: 'oci', layers: [{ seed: 'catalog', size: 64 }] });
}

function options(requests: string[]): RepositoryListerOptions {
  return { addressGuard: { allowedHosts: ['127.0.0.1'] }, retry: { maxAttempts: 1, baseMs: 1, maxMs: 1 }, onRequest: (_method, url) => void requests.push(url) };
}

async function listAll(source: RepositorySource, opts: RepositoryListerOptions, pageSize: number, from: string | null = null): Promise<RepositoryPage[]> {
  const lister = repositoryLister(source, opts);
  try {
    const pages: RepositoryPage[] = [];
    let cursor = from;
    do {
      const page = await lister.listPage(cursor, { pageSize });
      pages.push(page);
      cursor = page.next;
    } while (cursor !== null && pages.length < 100);
    return pages;
  } finally {
    await lister.close();
  }
}

const catalogQueries = (requests: string[]) => requests.map((u) => new URL(u)).filter((u) => u.pathname === '/v2/_catalog').map((u) => u.searchParams);

describe("listing a docker-registry's catalog", () => {
  let registry: RunningRegistry;
  const source = (namespace: string): RepositorySource => ({ type: 'distribution', url: registry.host, namespace, verifyTls: false });
  before(async () => {
    registry = await startRegistry();
    await seed(registry, ALL);
  });
  after(() => registry?.stop());

  it('pages through the whole registry, seven names a page, in its component order', async () => {
    const requests: string[] = [];
    const pages = await listAll(source(''), options(requests), 7);
    assert.deepEqual(pages.flatMap((p) => p.repositories), [...ALL].sort(byComponents));
    assert.ok(pages.length >= 6, `${pages.length} pages`);
    assert.ok(pages.every((p) => p.repositories.length <= 7));
    assert.equal(pages.at(-1)!.next, null);
    assert.ok(catalogQueries(requests).every((q) => q.get('n') === '7'));
  });

  it('skips ahead to a namespace with last=<namespace>/, a name the registry does not hold, and stops after it', async () => {
    const requests: string[] = [];
    const pages = await listAll(source('alpha'), options(requests), 7);
    assert.deepEqual(pages.flatMap((p) => p.repositories), [...ALPHA].sort(byComponents));
    const queries = catalogQueries(requests);
    assert.equal(queries[0]!.get('last'), 'alpha/');
    // 2.8 honours a `last` it does not hold: the first page is the namespace's first names.
    assert.deepEqual(pages[0]!.repositories, ALPHA.slice(0, 7));
    // 18 names, then the neighbours up to `alphabet/soup`: never as far as beta.
    assert.ok(queries.length <= 4, `${queries.length} requests`);
    assert.ok(queries.every((q) => !(q.get('last') ?? '').startsWith('beta')));
  });

  it('resumes from a cursor mid-way with a new lister and lists the rest exactly once', async () => {
    const whole = await listAll(source('beta'), options([]), 7);
    assert.deepEqual(whole.flatMap((p) => p.repositories), BETA);
    const first = repositoryLister(source('beta'), options([]));
    const page1 = await first.listPage(null, { pageSize: 7 });
    await first.close();
    assert.equal(page1.repositories.length, 7);
    assert.equal(typeof page1.next, 'string');
    // A cursor is small and survives JSON (an event's payload) unchanged.
    const stored = JSON.parse(JSON.stringify({ cursor: page1.next })) as { cursor: string };
    const rest = await listAll(source('beta'), options([]), 7, stored.cursor);
    assert.deepEqual([...page1.repositories, ...rest.flatMap((p) => p.repositories)], BETA);
  });

  it('lists a nested namespace', async () => {
    const pages = await listAll(source('alpha/team'), options([]), 7);
    assert.deepEqual(pages.flatMap((p) => p.repositories), ['x', 'y']);
  });

  it('lists an empty page, and ends, for a namespace the registry does not hold', async () => {
    assert.deepEqual(await listAll(source('gamma'), options([]), 7), [{ repositories: [], next: null }]);
  });
});

describe("listing a token-authenticated docker-registry's catalog", () => {
  const user = { username: 'discovery', password: 'catalog-s3cret' };
  let registry: RunningRegistry;
  const source = (credentials?: { username: string; password: string }): RepositorySource => ({
    type: 'distribution',
    url: `http://${registry.host}`,
    namespace: 'beta',
    verifyTls: true,
    ...(credentials ? { credentials } : {}),
  });
  before(async () => {
    registry = await startRegistry({ token: { users: [user] } });
    await seed(registry, ['beta/one', 'beta/two', 'beta/three', 'other/app']);
  });
  after(() => registry?.stop());

  it("asks the token service for registry:catalog:* with the credentials and lists through it", async () => {
    const seen = registry.tokenIssuer!.requests.length;
    const pages = await listAll(source(user), options([]), 2);
    assert.deepEqual(pages.flatMap((p) => p.repositories), ['one', 'three', 'two']);
    const asked = registry.tokenIssuer!.requests.slice(seen);
    assert.ok(asked.length >= 1);
    assert.ok(asked.every((r) => r.username === user.username && r.scopes.includes('registry:catalog:*')));
    // One token serves every page.
    assert.equal(asked.length, 1);
  });

  it('fails UNAUTHORIZED without credentials, and with a wrong password that no message repeats', async () => {
    for (const credentials of [undefined, { username: user.username, password: 'wrong-s3cret' }]) {
      const lister = repositoryLister(source(credentials), options([]));
      const error = (await lister.listPage(null).then(
        () => assert.fail('the listing succeeded'),
        (e: unknown) => e,
      )) as Error & { code: string };
      await lister.close();
      assert.equal(error.code, 'UNAUTHORIZED');
      assert.doesNotMatch(error.message, /s3cret/);
    }
  });
});
