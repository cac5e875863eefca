import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AggregateKind, DomainErrorCode, mirrorId, RepositoryState, Visibility } from '@ferry/contracts';
import { organizationDecider, repositoryDecider, repositoryRole, robotDecider, userDecider, type Caller } from '@ferry/identity';
import { apiReadModels, ProjectionRunner } from '@ferry/read-models';
import { createSecretBox } from '@ferry/secrets';
import { createTestDatabase, testEventLogNames, TEST_NATS_URL, type TestDatabase } from '@ferry/testing';
import { GrantLookup } from '../auth/grant-lookup';
import { NotFoundError } from '../http/problem';
import { PermissionQueries } from '../repositories/permission-queries';
import { openServiceTestBed, refusedField, refusedWith, userCaller, type ServiceTestBed } from '../service-test-bed';
import { EntitySearchService } from './entity-search.service';
import { TeamQueries } from './team-queries';
import { TeamService } from './team.service';

const SECRETS = createSecretBox(randomBytes(32));
const APP = { namespace: 'acme', repository: 'app' };
const bot: Caller = { kind: 'robot', username: 'acme+bot', namespace: 'acme' };

async function dumpTeams(ds: DataSource) {
  return {
    teams: await ds.query('SELECT organization, name, role, description, created_at FROM teams ORDER BY organization, name'),
    members: await ds.query('SELECT * FROM team_members ORDER BY organization, team, member_kind, member_name'),
    grants: await ds.query('SELECT * FROM permissions ORDER BY namespace, repository, principal_kind, principal_name'),
  };
}

/** The organization acme (alice its admin) with acme/app and the robot acme+bot; bob and carol are users of nothing. */
describe('the team service over the event log and the read models', () => {
  let db: TestDatabase;
  let bed: ServiceTestBed;
  let teams: TeamService;
  let grants: GrantLookup;
  let entities: EntitySearchService;

  before(async () => {
    db = await createTestDatabase();
    bed = await openServiceTestBed({ databaseUrl: db.url, natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    const { commands, causation } = bed;
    for (const name of ['alice', 'bob', 'carol']) {
      await commands.run(AggregateKind.User, name, userDecider, { kind: 'create', username: name, email: null, password: null }, causation);
    }
    await commands.run(AggregateKind.Organization, 'acme', organizationDecider, { kind: 'create', name: 'acme', email: null, creator: { kind: 'user', name: 'alice' } }, causation);
    await commands.run(
      AggregateKind.Repository,
      mirrorId('acme', 'app'),
      repositoryDecider,
      { kind: 'create', namespace: 'acme', repository: 'app', description: '', visibility: Visibility.Private, state: RepositoryState.Normal },
      causation,
    );
    await commands.run(AggregateKind.Robot, 'acme+bot', robotDecider, { kind: 'create', namespace: 'acme', name: 'bot', description: '', token: SECRETS.seal('robot-token'), tokenHash: 'not-a-real-hash' }, causation);
    const queries = new TeamQueries(bed.dataSource);
    grants = new GrantLookup(bed.dataSource);
    teams = new TeamService(queries, new PermissionQueries(bed.dataSource), grants, bed.commands);
    entities = new EntitySearchService(queries, grants);
  });

  after(async () => {
    await bed?.close();
    await db?.drop();
  });

  const roleOn = async (caller: Caller) => repositoryRole(caller, APP, await grants.grantsOf(caller, APP));

  it('saves a team, and its members hold what it is granted on a repository', async () => {
    const saved = await teams.save(userCaller('alice'), 'acme', 'readers', { role: 'member', description: 'pull only' }, bed.causation);
    assert.equal(saved.view.new_team, true);
    await teams.addMember('acme', 'readers', 'bob', bed.causation);
    await teams.addMember('acme', 'readers', 'acme+bot', bed.causation);
    assert.equal(await roleOn(userCaller('bob')), null);
    await teams.setPermission(APP, 'readers', { role: 'write' }, bed.causation);
    assert.equal(await roleOn(userCaller('bob')), 'write');
    assert.equal(await roleOn(bot), 'write');
    assert.equal(await roleOn(userCaller('carol')), null);
    assert.deepEqual(await grants.grantsOf(userCaller('bob'), { namespace: 'acme' }), { organization: null, repository: null, team: 'member' });
  });

  it('refuses a team of no organization, a bad name, a bad role, an unknown member, and a grant to a team that does not exist', async () => {
    await assert.rejects(teams.save(userCaller('alice'), 'nosuch', 'readers', { role: 'member' }, bed.causation), NotFoundError);
    await assert.rejects(teams.save(userCaller('alice'), 'acme', 'Readers', { role: 'member' }, bed.causation), refusedField('teamname'));
    await assert.rejects(teams.save(userCaller('alice'), 'acme', 'readers', { role: 'owner' }, bed.causation), refusedField('role'));
    await assert.rejects(teams.addMember('acme', 'readers', 'nobody', bed.causation), refusedField('membername', /names no user/));
    await assert.rejects(teams.addMember('acme', 'readers', 'other+bot', bed.causation), refusedField('membername'));
    await assert.rejects(teams.setPermission(APP, 'ghosts', { role: 'read' }, bed.causation), refusedField('teamname'));
    await assert.rejects(teams.removeMember('acme', 'readers', 'carol', bed.causation), refusedWith(DomainErrorCode.TeamMemberNotFound));
  });

  it('lists the organization\'s teams with their counts, and finds them by prefix for a member', async () => {
    const listed = await teams.organizationTeams(userCaller('bob'), 'acme');
    assert.deepEqual(listed.ordered_teams, ['readers']);
    assert.equal(listed.teams.readers!.member_count, 2);
    assert.equal(listed.teams.readers!.repo_count, 1);
    assert.equal(listed.teams.readers!.can_view, true);
    assert.equal((await teams.organizationTeams(userCaller('carol'), 'acme')).teams.readers!.can_view, false);
    const found = await entities.search(userCaller('bob'), 'Re ad', { namespace: 'acme', includeTeams: 'true' });
    assert.deepEqual(found.results.map((r) => [r.kind, r.name]), [['team', 'readers']]);
    assert.deepEqual((await entities.search(userCaller('carol'), 'rea', { namespace: 'acme', includeTeams: 'true' })).results, []);
  });

  it('rebuilds the teams, their members and their grants identical to the live ones', async () => {
    const live = await dumpTeams(bed.dataSource);
    await new ProjectionRunner(bed.dataSource, bed.store, apiReadModels).rebuild();
    assert.deepEqual(await dumpTeams(bed.dataSource), live);
  });

  it('takes a deleted user out of its teams, and a deleted team\'s grants and members with it', async () => {
    await teams.removeEverywhere({ kind: 'user', name: 'bob' }, bed.causation);
    assert.equal(await roleOn(userCaller('bob')), null);
    assert.equal(await roleOn(bot), 'write');
    await teams.delete('acme', 'readers', bed.causation);
    assert.equal(await roleOn(bot), null);
    assert.deepEqual(await dumpTeams(bed.dataSource).then((d) => [d.teams, d.members, d.grants.filter((g: { principal_kind: string }) => g.principal_kind === 'team')]), [[], [], []]);
    await assert.rejects(teams.delete('acme', 'readers', bed.causation), NotFoundError);
  });
});
