import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { repositoryLister } from './repository-lister';
import type { RepositorySource } from './repository-source';
import { LOOPBACK_OPTIONS, allPages, startApiDouble, type ApiDouble, type DoubleAnswer, type RecordedRequest, failureOf } from './api-double.fixtures';

const ROBOT = { username: 'robot$acme+discovery', password: 'harbor-robot-s3cret' };
const NAMES = ['app', 'base', 'team/cache', 'team/db', 'edge', 'web', 'worker'];

type Paging = 'link' | 'total' | 'none';

/** Harbor's listing: a JSON array of `project/repo` names, paged by number, Basic auth required. */
function harborAnswer(paging: Paging) {
  return (req: RecordedRequest): DoubleAnswer => {
    const m = /^\/api\/v2\.0\/projects\/([^/]+)\/repositories$/.exec(req.path);
    if (!m) return { status: 404, json: { errors: [{ code: 'NOT_FOUND', message: 'not found' }] } };
    if (m[1] === 'ghost') return { status: 404, json: { errors: [{ code: 'NOT_FOUND', message: 'project ghost not found' }] } };
    if (m[1] === 'locked') return { status: 403, json: { errors: [{ code: 'FORBIDDEN', message: 'forbidden' }] } };
    const expected = `Basic ${Buffer.from(`${ROBOT.username}:${ROBOT.password}`).toString('base64')}`;
    if (req.authorization !== expected) return { status: 401, json: { errors: [{ code: 'UNAUTHORIZED', message: 'unauthorized' }] } };
    const page = Number(req.query.get('page'));
    const size = Number(req.query.get('page_size'));
    const slice = NAMES.slice((page - 1) * size, page * size);
    const headers: Record<string, string> = {};
    const path = `/api/v2.0/projects/${m[1]}/repositories`;
    if (paging === 'total') headers['x-total-count'] = String(NAMES.length);
    if (paging === 'link' && page * size < NAMES.length) headers['link'] = `<${path}?page=${page - 1}&page_size=${size}>; rel="prev" , <${path}?page=${page + 1}&page_size=${size}>; rel="next"`;
    return { headers, json: slice.map((name, i) => ({ id: i + 1, name: `${m[1]}/${name}`, project_id: 7, artifact_count: 1, pull_count: 0 })) };
  };
}

describe('listing a Harbor project', () => {
  const doubles: Partial<Record<Paging, ApiDouble>> = {};
  const source = (paging: Paging, over: Partial<RepositorySource> = {}): RepositorySource => ({
    type: 'harbor',
    url: doubles[paging]!.url,
    namespace: 'acme',
    verifyTls: true,
    credentials: ROBOT,
    ...over,
  });
  before(async () => {
    for (const paging of ['link', 'total', 'none'] as const) doubles[paging] = await startApiDouble(harborAnswer(paging));
  });
  after(() => Promise.all(Object.values(doubles).map((d) => d.close())));

  for (const paging of ['link', 'total', 'none'] as const) {
    it(`pages to the end by ${paging === 'none' ? 'full pages, when a proxy dropped Link and X-Total-Count' : paging}, without the project prefix`, async () => {
      const lister = repositoryLister(source(paging), LOOPBACK_OPTIONS);
      const pages = await allPages((c) => lister.listPage(c, { pageSize: 3 }));
      await lister.close();
      assert.deepEqual(pages.flatMap((p) => p.repositories), NAMES);
      assert.ok(pages.every((p) => p.repositories.length <= 3));
      assert.equal(pages.at(-1)!.next, null);
    });
  }

  it('sends Basic auth and the page asked for, and resumes from a cursor with its own page size', async () => {
    const d = doubles.total!;
    const first = repositoryLister(source('total'), LOOPBACK_OPTIONS);
    const page1 = await first.listPage(null, { pageSize: 2 });
    await first.close();
    assert.deepEqual(page1.repositories, ['app', 'base']);
    const resumed = repositoryLister(source('total'), LOOPBACK_OPTIONS);
    // A resumed run asks for another size: the cursor's size holds, so nothing is skipped.
    const rest = await allPages((c) => resumed.listPage(c, { pageSize: 5 }), page1.next);
    await resumed.close();
    assert.deepEqual(rest.flatMap((p) => p.repositories), NAMES.slice(2));
    const last = d.requests.at(-1)!;
    assert.equal(last.path, '/api/v2.0/projects/acme/repositories');
    assert.equal(last.query.get('page_size'), '2');
    assert.equal(last.authorization, `Basic ${Buffer.from(`${ROBOT.username}:${ROBOT.password}`).toString('base64')}`);
  });

  it("caps the page size at Harbor's 100", async () => {
    const lister = repositoryLister(source('total'), LOOPBACK_OPTIONS);
    await lister.listPage(null, { pageSize: 5000 });
    await lister.close();
    assert.equal(doubles.total!.requests.at(-1)!.query.get('page_size'), '100');
  });

  it("maps Harbor's own error codes to Ferry's: FORBIDDEN is DENIED, a missing project NOT_FOUND", async () => {
    const locked = repositoryLister(source('total', { namespace: 'locked' }), LOOPBACK_OPTIONS);
    await assert.rejects(locked.listPage(null), { code: 'DENIED', status: 403 });
    await locked.close();
    const ghost = repositoryLister(source('total', { namespace: 'ghost' }), LOOPBACK_OPTIONS);
    await assert.rejects(ghost.listPage(null), (e: Error & { code: string }) => e.code === 'NOT_FOUND' && /no project ghost/.test(e.message));
    await ghost.close();
  });

  it('fails UNAUTHORIZED for a wrong password, without the password in the message', async () => {
    const lister = repositoryLister(source('total', { credentials: { username: ROBOT.username, password: 'wrong-s3cret' } }), LOOPBACK_OPTIONS);
    const error = await failureOf(lister.listPage(null));
    await lister.close();
    assert.equal(error.code, 'UNAUTHORIZED');
    assert.doesNotMatch(error.message, /s3cret/);
  });

  it('refuses a cursor it did not make', async () => {
    const lister = repositoryLister(source('total'), LOOPBACK_OPTIONS);
    for (const bad of ['abc', '0:10', '2:0', '2:101', 'quay-token']) await assert.rejects(lister.listPage(bad), { code: 'INVALID_CURSOR' }, bad);
    await lister.close();
  });
});
