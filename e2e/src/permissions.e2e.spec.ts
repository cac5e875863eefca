import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { Requirement } from '@ferry/identity';
import { CONTROLLERS, routeTable, type RouteEntry } from '@ferry/mirror-config/routes';
import { createTestDatabase, freePort, testEventLogNames, type TestDatabase } from '@ferry/testing';
import { apiClient, createUserWithToken, onDemandMirrorBody, type Api } from './api-client';
import { documentedFetch } from './api-document';
import { destroyEventLog } from './event-log';
import { startFerry, testDeploymentEnv, type FerryProcesses } from './ferry-processes';
import { ferryClient, grpcCall, mirrorClient, type MirrorClient } from './grpc-client';

/** The users of the walk and what each holds: exactly one step above or below each requirement. */
const USERS = ['reader', 'writer', 'repoadmin', 'orgmember', 'orgadmin', 'nobody', 'spare'] as const;
type Who = (typeof USERS)[number] | 'admin' | 'narrow';

/** Who is just allowed, and who holds one step too little, for each kind of requirement. */
function callersFor(requirement: Requirement): { right: Who; tooLittle: Who } | null {
  switch (requirement.kind) {
    case 'public':
    // No user may call a hook's delivery route: it takes the hook's own secret (walked apart below).
    case 'hook-secret':
      return null;
    case 'repository':
      return { read: { right: 'reader', tooLittle: 'nobody' }, write: { right: 'writer', tooLittle: 'reader' }, admin: { right: 'repoadmin', tooLittle: 'writer' } }[requirement.role] as {
        right: Who;
        tooLittle: Who;
      };
    case 'organization':
      return requirement.role === 'admin' ? { right: 'orgadmin', tooLittle: 'orgmember' } : { right: 'orgmember', tooLittle: 'nobody' };
    case 'create-repository':
      return { right: 'orgadmin', tooLittle: 'orgmember' };
    case 'signed-in':
      // `narrow` is nobody's token with repo:read alone: signed in, without the scope.
      return { right: 'nobody', tooLittle: 'narrow' };
    case 'self':
      return { right: 'nobody', tooLittle: 'reader' };
    case 'superuser':
      return { right: 'admin', tooLittle: 'orgadmin' };
  }
}

/** Destructive routes run last, in an order that leaves what later ones need. */
const DELETE_ORDER = ['/hooks', '/notification', '/permissions', '/team/', '/apptoken', '/superuser', '/prototypes', '/applications', '/quota', '/robots', '/mirror', '/proxycache', '/repository/', '/organization/'];
const deletePriority = (e: RouteEntry) => DELETE_ORDER.findIndex((part) => e.http!.path.includes(part));

function concretePath(entry: RouteEntry, ids: { repoRule: string; orgRule: string; hook: string; clientId: string }): string {
  const path = entry.http!.path;
  return path
    .replace(':hookId', ids.hook)
    .replace(':namespace', 'walk')
    .replace(':repository', 'app')
    .replace(':name', 'syncer')
    .replace(':runId', randomUUID())
    .replace(':uuid', path.includes('/repository/') ? ids.repoRule : path.includes('/organization/') ? ids.orgRule : randomUUID())
    .replace(':id', 'no-such-notification')
    .replace(':username', path.includes('/superuser/') ? 'throwaway' : path.includes('/permissions/') ? 'spare' : 'nobody')
    .replace(':teamname', 'walkers')
    .replace(':membername', 'spare')
    .replace(':clientId', ids.clientId)
    .replace(':quotaId', '1')
    .replace(':limitId', '2');
}

describe('every route and gRPC method refuses callers without the permission it declares', () => {
  const names = testEventLogNames();
  let db: TestDatabase;
  let ferry: FerryProcesses;
  let grpcClient: MirrorClient;
  let orgMirrorClient: MirrorClient;
  const tokens: Partial<Record<Who, string>> = {};
  const expired: Partial<Record<Who, string>> = {};
  const revoked: Partial<Record<Who, string>> = {};
  const ids = { repoRule: '', orgRule: '', hook: '', hookSecret: '', clientId: '' };
  const admin = apiClient(() => ferry);
  const table = routeTable(CONTROLLERS);

  async function mint(who: Who, body: Record<string, unknown>): Promise<{ token: string; uuid: string }> {
    const res = await apiClient(() => ferry, [], () => tokens[who]!)('POST', '/user/apptoken', body);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    return { token: res.json.token.token_code, uuid: res.json.token.uuid };
  }

  async function grant(path: string, user: string, role: string): Promise<void> {
    const res = await admin('PUT', `${path}/permissions/user/${user}`, { role });
    assert.equal(res.status, 200, JSON.stringify(res.json));
  }

  before(async () => {
    db = await createTestDatabase();
    const deadReceiver = await freePort();
    ferry = await startFerry({ ...testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: 'http://127.0.0.1:1' }) });
    grpcClient = mirrorClient(`127.0.0.1:${ferry.env.FERRY_GRPC_PORT}`);
    orgMirrorClient = ferryClient(`127.0.0.1:${ferry.env.FERRY_GRPC_PORT}`, 'OrgMirrorService');
    tokens.admin = ferry.adminToken;
    for (const user of [...USERS, 'throwaway']) {
      const token = await createUserWithToken(admin, ferry.apiUrl, user);
      if (user !== 'throwaway') tokens[user as Who] = token;
    }
    assert.equal((await admin('POST', '/organization/', { name: 'walk' })).status, 201);
    assert.equal((await admin('POST', '/repository', { namespace: 'walk', repository: 'app', visibility: 'private', description: 'walked' })).status, 201);
    assert.equal((await admin('PUT', '/organization/walk/robots/syncer', {})).status, 201);
    const mirror = await admin('POST', '/repository/walk/app/mirror', onDemandMirrorBody('127.0.0.1:1/library/app', 'walk+syncer', ['*']));
    assert.equal(mirror.status, 201, JSON.stringify(mirror.json));
    const hook = { event: 'repo_mirror_sync_failed', method: 'webhook', config: { url: `http://127.0.0.1:${deadReceiver}/hook` } };
    ids.repoRule = (await admin('POST', '/repository/walk/app/notification/', hook)).json.uuid;
    ids.orgRule = (await admin('POST', '/organization/walk/notification/', hook)).json.uuid;
    const pushHook = await admin('POST', '/repository/walk/app/mirror/hooks', {});
    assert.equal(pushHook.status, 201, JSON.stringify(pushHook.json));
    [ids.hook, ids.hookSecret] = [pushHook.json.id, pushHook.json.secret];
    await grant('/repository/walk/app', 'reader', 'read');
    await grant('/repository/walk/app', 'writer', 'write');
    await grant('/repository/walk/app', 'repoadmin', 'admin');
    await grant('/repository/walk/app', 'spare', 'read');
    await grant('/organization/walk', 'orgmember', 'read');
    await grant('/organization/walk', 'orgadmin', 'admin');
    await grant('/organization/walk', 'spare', 'read');
    // A team's members see it (Quay's ViewTeamPermission): orgmember is in the team the walk reads.
    assert.equal((await admin('PUT', '/organization/walk/team/walkers', { role: 'member' })).status, 200);
    assert.equal((await admin('PUT', '/organization/walk/team/walkers/members/orgmember')).status, 200);
    tokens.narrow = (await mint('nobody', { title: 'narrow', scopes: ['repo:read'] })).token;
    const application = await admin('POST', '/organization/walk/applications', { name: 'walker' });
    assert.equal(application.status, 200, JSON.stringify(application.json));
    ids.clientId = application.json.client_id;
    // For each caller, a token that will have expired by the time it is used, and one revoked now.
    const soon = new Date(Date.now() + 2_000).toISOString();
    for (const who of ['admin', ...USERS] as Who[]) {
      expired[who] = (await mint(who, { title: 'expiring', expiration: soon })).token;
      const { token, uuid } = await mint(who, { title: 'revoked' });
      assert.equal((await apiClient(() => ferry, [], () => tokens[who]!)('DELETE', `/user/apptoken/${uuid}`)).status, 204);
      revoked[who] = token;
    }
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(soon) - Date.now() + 200)));
  });

  after(async () => {
    grpcClient?.close();
    orgMirrorClient?.close();
    await ferry?.stopAll();
    await destroyEventLog(names);
    await db?.drop();
  });

  it('declares a permission for every route and gRPC method', () => {
    assert.ok(table.length > 50, `${table.length} routes`);
    assert.deepEqual(table.filter((e) => !e.requirement).map((e) => `${e.controller}.${e.handler}`), []);
    // Each method of the proto's service has its handler, so none escapes the walk below.
    assert.deepEqual(
      table.filter((e) => e.grpc).map((e) => e.grpc!.rpc).sort(),
      [
        'CancelOrgMirrorSync',
        'CancelSync',
        'CreateHook',
        'CreateMirror',
        'CreateOrgMirror',
        'CreateOrgMirrorHook',
        'CreateRobot',
        'DeleteHook',
        'DeleteMirror',
        'DeleteOrgMirror',
        'DeleteOrgMirrorHook',
        'GetMirror',
        'GetOrgMirror',
        'GetRun',
        'ListHookDeliveries',
        'ListHooks',
        'ListOrgMirrorHookDeliveries',
        'ListOrgMirrorHooks',
        'ListOrgMirrorRepositories',
        'ListRuns',
        'RotateHookSecret',
        'RotateOrgMirrorHookSecret',
        'SyncNow',
        'SyncOrgMirrorNow',
        'UpdateMirror',
        'UpdateOrgMirror',
        'VerifyOrgMirror',
      ],
    );
  });

  const http = table.filter((e) => e.http);
  const ordered = [...http.filter((e) => e.http!.method !== 'DELETE'), ...http.filter((e) => e.http!.method === 'DELETE').sort((a, b) => deletePriority(a) - deletePriority(b))];

  it('walks every HTTP route: no token, a malformed, expired or revoked one, too little role, then the right role', async () => {
    const as = (credential: string | null): Api => apiClient(() => ferry, [], () => credential);
    const walked: string[] = [];
    for (const entry of ordered) {
      const callers = callersFor(entry.requirement!);
      const path = concretePath(entry, ids).replace(/^\/api\/v1/, '');
      const label = `${entry.http!.method} ${entry.http!.path}`;
      const body = entry.http!.method === 'GET' || entry.http!.method === 'DELETE' ? undefined : entry.http!.path === '/api/v1/repository' ? { namespace: 'walk' } : {};
      // Routes outside /api/v1 (the web console's pages, probes, the document) are called where they are.
      const outside = !entry.http!.path.startsWith('/api/v1');
      const send = async (credential: string | null): Promise<{ status: number; json: any }> => {
        if (!outside) return as(credential)(entry.http!.method, path, body);
        const res = await documentedFetch(`${ferry.apiUrl}${path}`, { method: entry.http!.method, headers: credential ? { authorization: `Bearer ${credential}` } : {} });
        const text = await res.text();
        // A refusal is problem+json wherever the route is.
        return { status: res.status, json: /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : text };
      };
      if (entry.requirement!.kind === 'hook-secret') {
        // Nothing but the hook's secret opens it: no secret, a wrong one, or a user's token (the admin's) are one 401.
        for (const [what, credential] of [
          ['no secret', null],
          ['a wrong secret', `ferry_hook_${'x'.repeat(43)}`],
          ['the admin\'s token', tokens.admin!],
        ] as const) {
          const res = await documentedFetch(`${ferry.apiUrl}/api/v1${path}`, {
            method: entry.http!.method,
            headers: { 'content-type': 'application/json', ...(credential ? { authorization: `Bearer ${credential}` } : {}) },
            body: '{}',
          });
          assert.equal(res.status, 401, `${label} with ${what}`);
          assert.equal(((await res.json()) as { code: string }).code, 'UNAUTHENTICATED', label);
        }
        const delivered = await as(ids.hookSecret)(entry.http!.method, path, body);
        assert.equal(delivered.status, 202, `${label} with the hook's secret: ${JSON.stringify(delivered.json)}`);
        walked.push(label);
        continue;
      }
      if (callers) {
        for (const [what, credential] of [
          ['no token', null],
          ['a malformed token', 'ferry_pat_not-a-real-token'],
          ['an expired token', expired[callers.right === 'narrow' ? 'nobody' : callers.right]!],
          ['a revoked token', revoked[callers.right === 'narrow' ? 'nobody' : callers.right]!],
        ] as const) {
          const res = await documentedFetch(`${ferry.apiUrl}${outside ? '' : '/api/v1'}${path}`, {
            method: entry.http!.method,
            headers: { ...(credential ? { authorization: `Bearer ${credential}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
            body: body ? JSON.stringify(body) : undefined,
          });
          assert.equal(res.status, 401, `${label} with ${what}`);
          assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer realm="ferry"/, `${label} with ${what}: WWW-Authenticate`);
          assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/, `${label} with ${what}: problem+json`);
          assert.equal(((await res.json()) as { code: string }).code, 'UNAUTHENTICATED', label);
        }
        const refused = await send(tokens[callers.tooLittle]!);
        assert.equal(refused.status, 403, `${label} as ${callers.tooLittle}: ${JSON.stringify(refused.json)}`);
        assert.equal(refused.json.code, 'FORBIDDEN', label);
      }
      const allowed = await send(callers ? tokens[callers.right]! : null);
      assert.ok(![401, 403].includes(allowed.status) && allowed.status < 500, `${label} as ${callers?.right ?? 'anyone'}: ${allowed.status} ${JSON.stringify(allowed.json)}`);
      // Rotating the hook's secret (walked before its delivery route) leaves only the new one good.
      if (entry.http!.path.endsWith('/mirror/hooks/:hookId/rotate') && entry.http!.path.includes('/repository/')) ids.hookSecret = allowed.json.secret;
      walked.push(label);
    }
    assert.equal(walked.length, http.length);
  });

  it('walks every gRPC method the same way: UNAUTHENTICATED, PERMISSION_DENIED, then the right role', async () => {
    // The walk above deleted the organization; give the gRPC walk its world back.
    assert.equal((await admin('POST', '/organization/', { name: 'walk' })).status, 201);
    assert.equal((await admin('PUT', '/organization/walk/robots/syncer', {})).status, 201);
    assert.equal((await admin('POST', '/repository/walk/app/mirror', onDemandMirrorBody('127.0.0.1:1/library/app', 'walk+syncer', ['*']))).status, 201);
    await grant('/repository/walk/app', 'reader', 'read');
    await grant('/repository/walk/app', 'writer', 'write');
    await grant('/repository/walk/app', 'repoadmin', 'admin');
    await grant('/organization/walk', 'orgmember', 'read');
    await grant('/organization/walk', 'orgadmin', 'admin');
    const rpcs = table.filter((e) => e.grpc).sort((a, b) => Number(a.grpc!.rpc.startsWith('Delete')) - Number(b.grpc!.rpc.startsWith('Delete')));
    for (const entry of rpcs) {
      const callers = callersFor(entry.requirement!)!;
      const request = { namespace: 'walk', repository: 'app', name: 'syncer', run_id: randomUUID(), hook_id: ids.hook, mirror: {} };
      const label = entry.grpc!.rpc;
      const client = entry.grpc!.service === 'OrgMirrorService' ? orgMirrorClient : grpcClient;
      for (const [what, authorization] of [
        ['no token', undefined],
        ['a malformed token', 'Bearer garbage'],
        ['an expired token', `Bearer ${expired[callers.right]}`],
        ['a revoked token', `Bearer ${revoked[callers.right]}`],
      ] as const) {
        const answer = await grpcCall(client, label, request, authorization);
        assert.ok(!answer.ok && answer.error.code === grpc.status.UNAUTHENTICATED, `${label} with ${what}: ${answer.ok ? 'answered' : answer.error.code}`);
      }
      const refused = await grpcCall(client, label, request, `Bearer ${tokens[callers.tooLittle]}`);
      assert.ok(!refused.ok && refused.error.code === grpc.status.PERMISSION_DENIED, `${label} as ${callers.tooLittle}: ${refused.ok ? 'answered' : refused.error.code}`);
      const allowed = await grpcCall(client, label, request, `Bearer ${tokens[callers.right]}`);
      assert.ok(
        allowed.ok || ![grpc.status.UNAUTHENTICATED, grpc.status.PERMISSION_DENIED, grpc.status.INTERNAL].includes(allowed.error.code),
        `${label} as ${callers.right}: ${allowed.ok ? 'ok' : `${allowed.error.code} ${allowed.error.details}`}`,
      );
    }
  });
});
