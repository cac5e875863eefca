import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, makeTokenSigningFiles, startRegistry, testEventLogNames, type RunningRegistry, type TestDatabase } from '@ferry/testing';
import { apiClient, type Api } from './api-client';
import { documentedFetch } from './api-document';
import { destroyEventLog, readEventLog } from './event-log';
import { startFerry, testDeploymentEnv, type FerryProcesses } from './ferry-processes';

const SERVICE = 'ferry-registry';
const PASSWORD = 'a-long-test-password';

/**
 * A client of Quay's team API: teams with roles, their members (users and robots), their roles on
 * repositories, and the entity lookup clients pick them with. Each effect is checked where it
 * counts: the registry token service gives a team's members what the team holds, and no more.
 */
describe("Quay's teams, against Ferry", () => {
  const names = testEventLogNames();
  let target: RunningRegistry;
  let db: TestDatabase;
  let ferry: FerryProcesses;
  let dir: string;
  const responses: string[] = [];
  const api = apiClient(() => ferry, responses);
  const tokens: Record<string, string> = {};
  const creds: Record<string, string> = {};
  /** How many answers the setup read (the robot's creation shows its token, once). */
  let setupAnswers = 0;
  const as = (who: string): Api => apiClient(() => ferry, responses, () => tokens[who]!);

  /** The actions the token service grants `who` (null: anonymous) on `repo` when asked for pull. */
  async function pullGranted(who: string | null, repo: string): Promise<string[]> {
    const headers: Record<string, string> = who ? { authorization: `Basic ${Buffer.from(creds[who]!).toString('base64')}` } : {};
    const res = await documentedFetch(`${ferry.apiUrl}/v2/auth?service=${SERVICE}&scope=${encodeURIComponent(`repository:${repo}:pull`)}`, { headers });
    assert.equal(res.status, 200, `token for ${who}`);
    const { token } = (await res.json()) as { token: string };
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { access: { actions: string[] }[] };
    return claims.access[0]?.actions ?? [];
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ferry-teams-'));
    const keys = makeTokenSigningFiles(dir, 'ferry-teams');
    [target, db] = await Promise.all([startRegistry(), createTestDatabase()]);
    ferry = await startFerry({
      ...testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: target.url }),
      FERRY_TOKEN_SIGNING_KEY: keys.keyPath,
      FERRY_TOKEN_SIGNING_CERT: keys.certPath,
      FERRY_REGISTRY_SERVICE: SERVICE,
    });
    assert.equal((await api('POST', '/organization/', { name: 'acme' })).status, 201);
    for (const user of ['dev', 'outsider', 'lead']) {
      assert.equal((await api('POST', '/superuser/users/', { username: user, password: PASSWORD })).status, 200);
      creds[user] = `${user}:${PASSWORD}`;
      const minted = await fetch(`${ferry.apiUrl}/api/v1/user/apptoken`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(creds[user]!).toString('base64')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'e2e' }),
      });
      tokens[user] = ((await minted.json()) as { token: { token_code: string } }).token.token_code;
    }
    const robot = await api('PUT', '/organization/acme/robots/ci', {});
    assert.equal(robot.status, 201);
    creds.robot = `acme+ci:${robot.json.token as string}`;
    assert.equal((await api('POST', '/organization/', { name: 'other' })).status, 201);
    assert.equal((await api('PUT', '/organization/other/robots/stray', {})).status, 201);
    for (const name of ['app', 'tools']) {
      assert.equal((await api('POST', '/repository', { namespace: 'acme', repository: name, visibility: 'private', description: '' })).status, 201);
    }
    setupAnswers = responses.length;
  });

  after(async () => {
    await ferry?.stopAll();
    await destroyEventLog(names);
    await target?.stop();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('creates a team, changes it, rereads it in the organization, and saves it again unchanged', async () => {
    const created = await api('PUT', '/organization/acme/team/readers', { role: 'member' });
    assert.equal(created.status, 200);
    assert.deepEqual(created.json, { name: 'readers', description: '', can_view: true, role: 'member', avatar: { name: 'readers', hash: '', color: '#0066cc', kind: 'team' }, new_team: true });
    const changed = await api('PUT', '/organization/acme/team/readers', { role: 'member', description: 'people who pull' });
    assert.equal(changed.status, 200);
    assert.equal(changed.json.new_team, false);
    assert.equal(changed.json.description, 'people who pull');
    const again = await api('PUT', '/organization/acme/team/readers', { role: 'member' });
    assert.equal(again.status, 200);
    assert.equal(again.json.description, 'people who pull', 'a PUT without a description keeps it');
    const org = await api('GET', '/organization/acme');
    assert.equal(org.status, 200);
    assert.deepEqual(org.json.ordered_teams, ['readers']);
    assert.deepEqual(org.json.teams.readers, {
      name: 'readers',
      description: 'people who pull',
      role: 'member',
      avatar: { name: 'readers', hash: '', color: '#0066cc', kind: 'team' },
      can_view: true,
      repo_count: 0,
      member_count: 0,
      is_synced: false,
    });
    const teamEvents = (await readEventLog(names)).filter((e) => e.type.startsWith('Team'));
    assert.deepEqual(teamEvents.map((e) => e.type), ['TeamCreated', 'TeamUpdated'], 'saving what the team already is records nothing');
  });

  it('refuses a bad role, a bad team name, an unknown organization, and a caller who is not an admin', async () => {
    const badRole = await api('PUT', '/organization/acme/team/readers', { role: 'owner' });
    assert.equal(badRole.status, 400);
    assert.match(JSON.stringify(badRole.json), /role/);
    const missingRole = await api('PUT', '/organization/acme/team/writers', {});
    assert.equal(missingRole.status, 400);
    assert.equal((await api('PUT', '/organization/acme/team/Bad-Name', { role: 'member' })).status, 400);
    assert.equal((await api('PUT', '/organization/nosuch/team/readers', { role: 'member' })).status, 404);
    assert.equal((await as('outsider')('PUT', '/organization/acme/team/mine', { role: 'admin' })).status, 403);
    assert.equal((await api('GET', '/organization/acme')).json.ordered_teams.length, 1, 'nothing changed');
  });

  it('adds users and robots to a team, lists them, and adds one again unchanged', async () => {
    const dev = await api('PUT', '/organization/acme/team/readers/members/dev');
    assert.equal(dev.status, 200);
    assert.deepEqual(dev.json, { name: 'dev', kind: 'user', is_robot: false, avatar: { name: 'dev', hash: '', color: '#0066cc', kind: 'user' }, invited: false });
    assert.equal((await api('PUT', '/organization/acme/team/readers/members/dev')).status, 200);
    const robot = await api('PUT', '/organization/acme/team/readers/members/acme+ci');
    assert.equal(robot.status, 200);
    assert.equal(robot.json.is_robot, true);
    assert.equal((await api('PUT', '/organization/acme/team/readers/members/other+stray')).status, 400, 'a robot of another organization');
    assert.equal((await api('PUT', '/organization/acme/team/readers/members/nobody')).status, 400, 'no such user');
    assert.equal((await api('PUT', '/organization/acme/team/ghosts/members/dev')).status, 404, 'no such team');
    const members = await api('GET', '/organization/acme/team/readers/members');
    assert.equal(members.status, 200);
    assert.equal(members.json.name, 'readers');
    assert.equal(members.json.can_edit, true);
    assert.deepEqual(members.json.members.map((m: { name: string; is_robot: boolean }) => [m.name, m.is_robot]), [['acme+ci', true], ['dev', false]]);
    // A member sees its team, and is a member of the organization; one outside sees neither.
    const asDev = await as('dev')('GET', '/organization/acme/team/readers/members');
    assert.equal(asDev.status, 200);
    assert.equal(asDev.json.can_edit, false);
    const devOrg = await as('dev')('GET', '/organization/acme');
    assert.equal(devOrg.status, 200);
    assert.equal(devOrg.json.is_member, true);
    assert.equal(devOrg.json.is_admin, false);
    assert.equal(devOrg.json.teams.readers.member_count, 2);
    assert.equal((await as('outsider')('GET', '/organization/acme/team/readers/members')).status, 403);
    assert.equal((await as('outsider')('GET', '/organization/acme')).status, 403);
  });

  it('grants a team a role on a repository, which its members (users and robots) then hold at the token service', async () => {
    assert.deepEqual(await pullGranted('dev', 'acme/app'), [], 'the team holds nothing yet');
    const granted = await api('PUT', '/repository/acme/app/permissions/team/readers', { role: 'read' });
    assert.equal(granted.status, 200);
    assert.deepEqual(granted.json, { role: 'read', name: 'readers', avatar: { name: 'readers', hash: '', color: '#0066cc', kind: 'team' } });
    assert.equal((await api('PUT', '/repository/acme/app/permissions/team/readers', { role: 'read' })).status, 200);
    const one = await api('GET', '/repository/acme/app/permissions/team/readers');
    assert.equal(one.status, 200);
    assert.deepEqual(one.json, granted.json);
    const list = await api('GET', '/repository/acme/app/permissions/team/');
    assert.equal(list.status, 200);
    assert.deepEqual(list.json, { permissions: { readers: granted.json } });
    assert.equal((await api('GET', '/repository/acme/app/permissions/user/')).json.permissions.readers, undefined, 'a team is not a user');
    assert.equal((await api('PUT', '/repository/acme/app/permissions/team/ghosts', { role: 'read' })).status, 400);
    assert.equal((await api('PUT', '/repository/acme/app/permissions/team/readers', { role: 'owner' })).status, 400);
    assert.equal((await api('GET', '/repository/acme/tools/permissions/team/readers')).status, 404);
    assert.equal((await api('GET', '/organization/acme')).json.teams.readers.repo_count, 1);

    assert.deepEqual(await pullGranted('dev', 'acme/app'), ['pull']);
    assert.deepEqual(await pullGranted('robot', 'acme/app'), ['pull']);
    assert.deepEqual(await pullGranted('outsider', 'acme/app'), [], 'not in the team');
    assert.deepEqual(await pullGranted(null, 'acme/app'), []);
    assert.deepEqual(await pullGranted('dev', 'acme/tools'), [], 'only the repository the team holds');
    // The repository API reads it the same way.
    assert.equal((await as('dev')('GET', '/repository/acme/app')).status, 200);
    assert.equal((await as('outsider')('GET', '/repository/acme/app')).status, 403);
    const listed = await as('dev')('GET', '/repository?namespace=acme');
    assert.deepEqual(listed.json.repositories.map((r: { name: string }) => r.name), ['app']);
  });

  it('takes a member out, which takes its access with it, and answers 404 the second time', async () => {
    assert.equal((await api('DELETE', '/organization/acme/team/readers/members/dev')).status, 204);
    assert.deepEqual(await pullGranted('dev', 'acme/app'), []);
    assert.deepEqual(await pullGranted('robot', 'acme/app'), ['pull'], 'the other member keeps it');
    assert.equal((await api('DELETE', '/organization/acme/team/readers/members/dev')).status, 404);
    assert.deepEqual((await api('GET', '/organization/acme/team/readers/members')).json.members.map((m: { name: string }) => m.name), ['acme+ci']);
  });

  it('revokes a team\'s role on a repository, and answers 404 the second time', async () => {
    assert.equal((await api('PUT', '/organization/acme/team/readers/members/dev')).status, 200);
    assert.equal((await api('DELETE', '/repository/acme/app/permissions/team/readers')).status, 204);
    assert.deepEqual(await pullGranted('dev', 'acme/app'), []);
    assert.equal((await api('DELETE', '/repository/acme/app/permissions/team/readers')).status, 404);
    assert.equal((await api('GET', '/repository/acme/app/permissions/team/readers')).status, 404);
    assert.deepEqual((await api('GET', '/repository/acme/app/permissions/team/')).json, { permissions: {} });
  });

  it('lets a creator team\'s members create repositories, and makes an admin team\'s members organization admins', async () => {
    assert.equal((await as('lead')('POST', '/repository', { namespace: 'acme', repository: 'early', visibility: 'private', description: '' })).status, 403);
    assert.equal((await api('PUT', '/organization/acme/team/builders', { role: 'creator' })).status, 200);
    assert.equal((await api('PUT', '/organization/acme/team/builders/members/lead')).status, 200);
    assert.equal((await as('lead')('POST', '/repository', { namespace: 'acme', repository: 'made', visibility: 'private', description: '' })).status, 201);
    assert.equal((await as('lead')('PUT', '/organization/acme/team/other', { role: 'member' })).status, 403, 'a creator is no admin');
    assert.deepEqual(await pullGranted('lead', 'acme/tools'), []);

    assert.equal((await api('PUT', '/organization/acme/team/builders', { role: 'admin' })).status, 200);
    const org = await as('lead')('GET', '/organization/acme');
    assert.equal(org.json.is_admin, true);
    assert.deepEqual(await pullGranted('lead', 'acme/tools'), ['pull'], 'an organization admin reads every repository');
    const made = await as('lead')('PUT', '/organization/acme/team/helpers', { role: 'member' });
    assert.equal(made.status, 200);
    assert.equal((await as('lead')('DELETE', '/organization/acme/team/helpers')).status, 204);

    assert.equal((await api('PUT', '/organization/acme/team/builders', { role: 'member' })).status, 200);
    assert.equal((await as('lead')('GET', '/organization/acme')).json.is_admin, false);
    assert.deepEqual(await pullGranted('lead', 'acme/tools'), []);
  });

  it('finds users, robots, teams and the organization by prefix, as Quay\'s entity lookup', async () => {
    const users = await api('GET', '/entities/de');
    assert.equal(users.status, 200);
    assert.deepEqual(users.json, { results: [{ name: 'dev', kind: 'user', is_robot: false, avatar: { name: 'dev', hash: '', color: '#0066cc', kind: 'user' } }] });
    const inOrg = await api('GET', '/entities/a?namespace=acme&includeTeams=true&includeOrgs=true');
    assert.equal(inOrg.status, 200);
    assert.deepEqual(
      inOrg.json.results.map((r: { name: string; kind: string; is_org_member?: boolean }) => [r.kind, r.name, r.is_org_member]),
      [['user', 'admin', true], ['org', 'acme', true]],
    );
    const teams = await api('GET', '/entities/re?namespace=acme&includeTeams=true');
    assert.deepEqual(teams.json.results.map((r: { name: string; kind: string }) => [r.kind, r.name]), [['team', 'readers']]);
    const robots = await api('GET', '/entities/c?namespace=acme');
    assert.deepEqual(robots.json.results, [{ name: 'acme+ci', kind: 'user', is_robot: true, is_org_member: true, avatar: { name: 'acme+ci', hash: '', color: '#0066cc', kind: 'robot' } }]);
    const members = await api('GET', '/entities/l?namespace=acme');
    assert.deepEqual(members.json.results.map((r: { name: string; is_org_member: boolean }) => [r.name, r.is_org_member]), [['lead', true]]);
    // One outside the organization sees its users, never its robots or teams.
    const outside = await as('outsider')('GET', '/entities/c?namespace=acme&includeTeams=true');
    assert.equal(outside.status, 200);
    assert.deepEqual(outside.json.results, []);
    const anonymous = await apiClient(() => ferry, [], () => null)('GET', '/entities/de');
    assert.equal(anonymous.status, 401);
  });

  it('deletes a team, which takes its members\' access with it, and answers 404 the second time', async () => {
    assert.equal((await api('PUT', '/repository/acme/app/permissions/team/readers', { role: 'read' })).status, 200);
    assert.deepEqual(await pullGranted('robot', 'acme/app'), ['pull']);
    assert.equal((await api('DELETE', '/organization/acme/team/readers')).status, 204);
    assert.deepEqual(await pullGranted('robot', 'acme/app'), []);
    assert.deepEqual(await pullGranted('dev', 'acme/app'), []);
    assert.equal((await api('DELETE', '/organization/acme/team/readers')).status, 404);
    assert.equal((await api('GET', '/organization/acme/team/readers/members')).status, 404);
    // Made again under the same name, it holds nothing and nobody.
    const again = await api('PUT', '/organization/acme/team/readers', { role: 'member' });
    assert.equal(again.json.new_team, true);
    assert.deepEqual((await api('GET', '/organization/acme/team/readers/members')).json.members, []);
    assert.deepEqual((await api('GET', '/repository/acme/app/permissions/team/')).json, { permissions: {} });
    assert.deepEqual(await pullGranted('robot', 'acme/app'), []);
  });

  it('keeps the robot\'s token, the users\' tokens and passwords out of every log line, event and answer after the robot\'s creation', async () => {
    const secrets = { 'robot token': creds.robot!.split(':')[1]!, password: PASSWORD, ...Object.fromEntries(Object.entries(tokens).map(([who, token]) => [`${who}'s token`, token])) };
    const events = JSON.stringify(await readEventLog(names));
    const output = ferry.output();
    for (const [what, secret] of Object.entries(secrets)) {
      assert.equal(events.includes(secret), false, `${what} in an event`);
      assert.equal(output.includes(secret), false, `${what} in a log line`);
      assert.equal(responses.slice(setupAnswers).some((r) => r.includes(secret)), false, `${what} in an answer`);
    }
  });
});
