import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import type { Caller } from '@ferry/identity';
import { openDatabase, RepositoryRow } from '@ferry/read-models';
import { createTestDatabase, type TestDatabase } from '@ferry/testing';
import { readQuery } from '../http/query';
import { MirrorHealthQueries } from '../mirror-health/mirror-health-queries';
import { REPOSITORY_LIST_QUERY } from './repository.view';
import { PermissionQueries } from './permission-queries';
import { RepositoryQueries } from './repository-queries';
import { RepositoryService } from './repository.service';
import { TeamQueries } from '../teams/team-queries';

const admin: Caller = { kind: 'user', username: 'root', superuser: true, scopes: ['super:user', 'repo:read', 'org:admin', 'user:read'], tokenId: null } as unknown as Caller;

describe("the repository list, paged as Quay's", () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let service: RepositoryService;

  before(async () => {
    db = await createTestDatabase();
    dataSource = await openDatabase(db.url);
    const rows = [];
    for (let i = 0; i < 230; i++) rows.push({ namespace: i % 2 ? 'big' : 'other', name: `repo-${String(i).padStart(3, '0')}`, description: '', visibility: 'public' as const, state: 'NORMAL' as const, createdAt: new Date() });
    await dataSource.getRepository(RepositoryRow).insert(rows);
    // Only the list's queries are reached: not the namespaces, mirrors, commands, permission service, grants or organization mirrors.
    const unused = undefined as never;
    service = new RepositoryService(new RepositoryQueries(dataSource), new MirrorHealthQueries(dataSource), unused, unused, unused, unused, new PermissionQueries(dataSource), unused, unused, new TeamQueries(dataSource));
  });

  after(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('answers 100 a page with a next_page token, until a page without one, each repository once', async () => {
    const seen: string[] = [];
    let pages = 0;
    for (let token: [string, string] | null = null, first = true; first || token; first = false) {
      const page = await service.list(admin, 'big', token);
      pages++;
      assert.ok(page.repositories.length <= 100);
      seen.push(...page.repositories.map((r) => `${r.namespace}/${r.name}`));
      token = page.next_page ? readQuery(REPOSITORY_LIST_QUERY, { next_page: page.next_page }).next_page! : null;
    }
    assert.equal(pages, 2);
    assert.equal(seen.length, 115);
    assert.equal(new Set(seen).size, 115);
    assert.ok(seen.every((r) => r.startsWith('big/')));
  });

  it('refuses a next_page token it did not give with a problem naming the field', () => {
    assert.throws(() => readQuery(REPOSITORY_LIST_QUERY, { next_page: 'not-a-token' }), (error: { problems?: { field: string }[] }) => error.problems?.[0]?.field === 'next_page');
  });
});
