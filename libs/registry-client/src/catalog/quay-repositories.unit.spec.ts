import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { repositoryLister } from './repository-lister';
import type { RepositorySource } from './repository-source';
import { LOOPBACK_OPTIONS, allPages, startApiDouble, type ApiDouble, type DoubleAnswer, type RecordedRequest, failureOf } from './api-double.fixtures';

const TOKEN = 'quay-oauth-token-s3cret';
const NAMES = ['app', 'base', 'cache', 'db', 'edge'];

/** Quay's listing: pages of two, `next_page` an opaque token, Bearer token required for private ones. */
function quayAnswer(req: RecordedRequest): DoubleAnswer {
  if (req.path !== '/api/v1/repository') return { status: 404, json: { error_message: 'not found' } };
  if (req.query.get('namespace') === 'ghost') return { status: 404, json: { detail: 'Not Found', error_message: 'Not Found', status: 404 } };
  if (req.authorization && req.authorization !== `Bearer ${TOKEN}`) return { status: 401, json: { detail: 'Unauthorized', error_message: 'Unauthorized' } };
  const start = req.query.has('next_page') ? Number(Buffer.from(req.query.get('next_page')!, 'base64url').toString()) : 0;
  const page = NAMES.slice(start, start + 2);
  const more = start + 2 < NAMES.length;
  return {
    json: {
      repositories: page.map((name) => ({ namespace: req.query.get('namespace'), name, description: null, is_public: false, kind: 'image', state: 'NORMAL' })),
      ...(more ? { next_page: Buffer.from(String(start + 2)).toString('base64url') } : {}),
    },
  };
}

describe('listing a Quay namespace', () => {
  let quay: ApiDouble;
  const source = (over: Partial<RepositorySource> = {}): RepositorySource => ({ type: 'quay', url: quay.url, namespace: 'acme', verifyTls: true, credentials: { username: 'ignored', password: TOKEN }, ...over });
  before(async () => {
    quay = await startApiDouble(quayAnswer);
  });
  after(() => quay.close());

  it('follows next_page to the end, sending the namespace and the API token as a Bearer token', async () => {
    const lister = repositoryLister(source(), LOOPBACK_OPTIONS);
    const seen = quay.requests.length;
    const pages = await allPages((c) => lister.listPage(c));
    await lister.close();
    assert.deepEqual(pages.map((p) => p.repositories), [['app', 'base'], ['cache', 'db'], ['edge']]);
    assert.equal(pages.at(-1)!.next, null);
    const sent = quay.requests.slice(seen);
    assert.deepEqual(sent.map((r) => r.authorization), Array(3).fill(`Bearer ${TOKEN}`));
    assert.deepEqual(sent.map((r) => r.query.get('namespace')), ['acme', 'acme', 'acme']);
    assert.deepEqual(sent.map((r) => r.query.has('public')), [false, false, false]);
  });

  it('resumes from a cursor with a new lister, as a worker does after a crash', async () => {
    const first = repositoryLister(source(), LOOPBACK_OPTIONS);
    const page1 = await first.listPage(null);
    await first.close();
    const second = repositoryLister(source(), LOOPBACK_OPTIONS);
    const rest = await allPages((c) => second.listPage(c), page1.next);
    await second.close();
    assert.deepEqual([...page1.repositories, ...rest.flatMap((p) => p.repositories)], NAMES);
    assert.equal(quay.requests.at(-2)!.query.get('next_page'), page1.next);
  });

  it('asks for public repositories without a token, as Quay requires of an anonymous caller', async () => {
    const lister = repositoryLister(source({ credentials: undefined }), LOOPBACK_OPTIONS);
    await lister.listPage(null);
    await lister.close();
    assert.equal(quay.requests.at(-1)!.authorization, undefined);
    assert.equal(quay.requests.at(-1)!.query.get('public'), 'true');
  });

  it("takes Ferry's own answer, which has no next_page, as the whole listing in one page", async () => {
    const ferry = await startApiDouble(() => ({
      json: { repositories: [{ namespace: 'acme', name: 'app', kind: 'image', description: '', is_public: true, state: 'NORMAL', is_starred: false, mirror: null }] },
    }));
    const lister = repositoryLister(source({ url: ferry.url }), LOOPBACK_OPTIONS);
    assert.deepEqual(await lister.listPage(null), { repositories: ['app'], next: null });
    await lister.close();
    await ferry.close();
  });

  it('keeps to the namespace when a server adds other namespaces to the list', async () => {
    const loose = await startApiDouble(() => ({ json: { repositories: [{ namespace: 'acme', name: 'app' }, { namespace: 'other', name: 'x' }] } }));
    const lister = repositoryLister(source({ url: loose.url }), LOOPBACK_OPTIONS);
    assert.deepEqual((await lister.listPage(null)).repositories, ['app']);
    await lister.close();
    await loose.close();
  });

  it('fails UNAUTHORIZED for a refused token, without the token in the message', async () => {
    const lister = repositoryLister(source({ credentials: { username: 'u', password: 'wrong-s3cret-token' } }), LOOPBACK_OPTIONS);
    const error = await failureOf(lister.listPage(null));
    await lister.close();
    assert.equal(error.code, 'UNAUTHORIZED');
    assert.equal(error.retryable, false);
    assert.doesNotMatch(error.message, /s3cret/);
    assert.match(error.message, /HTTP 401/);
  });

  it('fails NOT_FOUND for a namespace Quay does not have, naming it', async () => {
    const lister = repositoryLister(source({ namespace: 'ghost' }), LOOPBACK_OPTIONS);
    await assert.rejects(lister.listPage(null), (e: Error & { code: string }) => e.code === 'NOT_FOUND' && /no namespace ghost/.test(e.message));
    await lister.close();
  });
});
