import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CONTROLLERS, routeTable } from '@ferry/mirror-config/routes';
import { createTestDatabase, testEventLogNames, type TestDatabase } from '@ferry/testing';
import { apiClient, createOrganizationWithRobot, onDemandMirrorBody } from './api-client';
import { documentedFetch } from './api-document';
import { destroyEventLog } from './event-log';
import { startFerry, testDeploymentEnv, type FerryProcesses } from './ferry-processes';
import { ferryClient, grpcCall, mirrorClient, type MirrorClient } from './grpc-client';

const NUL = '\u0000';
const LONE_SURROGATE = '\ud800';

/** Nothing a caller sends can freeze Ferry: every string is storable, and no input gets a 5xx. */
describe('input that can never freeze Ferry', () => {
  const names = testEventLogNames();
  let db: TestDatabase;
  let ferry: FerryProcesses;
  let grpcClient: MirrorClient;
  let orgMirrorGrpcClient: MirrorClient;
  const api = apiClient(() => ferry);
  let counter = 0;
  const fresh = (prefix: string) => `${prefix}${++counter}`;

  /** The API still serves reads and writes: a new mirror is created and read back. */
  async function stillServes(): Promise<void> {
    const repo = fresh('alive');
    const created = await api('POST', `/repository/fuzz/${repo}/mirror`, onDemandMirrorBody('127.0.0.1:1/library/app', 'fuzz+syncer', ['*']));
    assert.equal(created.status, 201, JSON.stringify(created.json));
    assert.equal((await api('GET', `/repository/fuzz/${repo}/mirror`)).status, 200);
  }

  before(async () => {
    db = await createTestDatabase();
    ferry = await startFerry({ ...testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: 'http://127.0.0.1:1' }) });
    grpcClient = mirrorClient(`127.0.0.1:${ferry.env.FERRY_GRPC_PORT}`);
    orgMirrorGrpcClient = ferryClient(`127.0.0.1:${ferry.env.FERRY_GRPC_PORT}`, 'OrgMirrorService');
    await createOrganizationWithRobot(api, 'fuzz');
  });

  after(async () => {
    grpcClient?.close();
    orgMirrorGrpcClient?.close();
    await ferry?.stopAll();
    await destroyEventLog(names);
    await db?.drop();
  });

  it('refuses the strings that once froze every read model, naming the field, and keeps serving', async () => {
    const repo = fresh('app');
    assert.equal((await api('POST', `/repository/fuzz/${repo}/mirror`, onDemandMirrorBody('127.0.0.1:1/library/app', 'fuzz+syncer', ['*']))).status, 201);
    const cases: [string, string, unknown, string][] = [
      ['PUT', '/organization/fuzz/robots/nulbot', { description: `a${NUL}b` }, 'description'],
      ['PUT', '/organization/fuzz/robots/surrogatebot', { description: `a${LONE_SURROGATE}` }, 'description'],
      ['POST', `/repository/fuzz/${repo}/notification/`, { event: 'repo_mirror_sync_failed', method: 'email', config: { email: `ops${NUL}@example.com` } }, 'config.email'],
      ['POST', `/repository/fuzz/${repo}/notification/`, { event: 'repo_mirror_sync_failed', method: 'webhook', config: { url: 'http://127.0.0.1:9/x' }, title: `t${LONE_SURROGATE}` }, 'title'],
      ['PUT', `/repository/fuzz/${repo}/mirror`, { external_registry_username: `user${NUL}` }, 'external_registry_username'],
      ['PUT', `/repository/fuzz/${repo}/mirror`, { external_registry_config: { proxy: { no_proxy: `a,b${NUL}` } } }, 'external_registry_config.proxy.no_proxy'],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await api(method, path, body);
      assert.equal(res.status, 400, `${method} ${path} ${field}: ${JSON.stringify(res.json)}`);
      assert.ok(res.json.errors.some((e: { field: string }) => e.field === field), `${field} named in ${JSON.stringify(res.json)}`);
    }
    assert.equal((await api('POST', '/user/admin/notifications/%00/read')).status, 400);
    await stillServes();
  });

  it('refuses tag patterns the worker could not compile, naming root_rule', async () => {
    for (const pattern of [']', '[]', 'a]', '[!]']) {
      const res = await api('POST', `/repository/fuzz/${fresh('pattern')}/mirror`, onDemandMirrorBody('127.0.0.1:1/library/app', 'fuzz+syncer', [pattern]));
      assert.equal(res.status, 400, `${pattern}: ${JSON.stringify(res.json)}`);
      assert.ok(res.json.errors.some((e: { field: string }) => e.field.startsWith('root_rule')), pattern);
    }
  });

  it('stores every string it accepts exactly, and answers 4xx for the rest (random Unicode, control characters, huge strings)', async () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 64 }),
      fc.string({ unit: 'grapheme', maxLength: 64 }),
      fc.string({ unit: fc.constantFrom(NUL, '\u0007', '\u001b', '\u007f', '\u0085', LONE_SURROGATE, '\udfff', 'a', 'é', '😀', '\n'), maxLength: 16 }),
      fc.string({ minLength: 5_000, maxLength: 70_000 }),
    );
    /** Each string field of a body: where it is sent, and how the stored value is read back. */
    const fields: { name: string; send: (value: string) => Promise<{ status: number; stored?: () => Promise<unknown> }>; stores?: (value: string) => unknown }[] = [
      {
        name: 'robot description',
        send: async (value) => {
          const robot = fresh('r');
          const res = await api('PUT', `/organization/fuzz/robots/${robot}`, { description: value });
          return { status: res.status, stored: async () => (await api('GET', `/organization/fuzz/robots/${robot}`)).json.description };
        },
      },
      {
        name: 'mirror upstream username',
        send: async (value) => {
          const repo = fresh('u');
          const res = await api('POST', `/repository/fuzz/${repo}/mirror`, onDemandMirrorBody('127.0.0.1:1/library/app', 'fuzz+syncer', ['*'], { external_registry_username: value }));
          return { status: res.status, stored: async () => (await api('GET', `/repository/fuzz/${repo}/mirror`)).json.external_registry_username };
        },
        // Quay's "no credentials": an empty user name is none.
        stores: (value) => (value === '' ? null : value),
      },
      {
        name: 'notification rule title',
        send: async (value) => {
          const repo = fresh('n');
          await api('POST', `/repository/fuzz/${repo}/mirror`, onDemandMirrorBody('127.0.0.1:1/library/app', 'fuzz+syncer', ['*']));
          const res = await api('POST', `/repository/fuzz/${repo}/notification/`, { event: 'repo_mirror_sync_failed', method: 'webhook', config: { url: 'http://127.0.0.1:9/hook' }, title: value });
          return { status: res.status, stored: async () => (await api('GET', `/repository/fuzz/${repo}/notification/`)).json.notifications[0]?.title };
        },
      },
      {
        name: 'repository description',
        send: async (value) => {
          const repo = fresh('d');
          const res = await api('POST', '/repository', { namespace: 'fuzz', repository: repo, visibility: 'private', description: value });
          return { status: res.status, stored: async () => (await api('GET', `/repository/fuzz/${repo}`)).json.description };
        },
      },
      {
        name: 'API token title',
        send: async (value) => {
          const res = await api('POST', '/user/apptoken', { title: value });
          const uuid = res.json?.token?.uuid as string | undefined;
          return { status: res.status, stored: async () => (await api('GET', `/user/apptoken/${uuid}`)).json.token.title };
        },
      },
    ];
    for (const field of fields) {
      await fc.assert(
        fc.asyncProperty(text, async (value) => {
          const { status, stored } = await field.send(value);
          assert.ok(status < 500, `${field.name}: ${status} for ${JSON.stringify(value.slice(0, 40))}`);
          if (status < 300) assert.equal(await stored!(), field.stores ? field.stores(value) : value, `${field.name} read back`);
          else assert.ok(status >= 400 && status < 500);
        }),
        { numRuns: 25, verbose: 1 },
      );
    }
    await stillServes();
  });

  it('answers every HTTP route with a 4xx, never a 5xx, for malformed paths, queries and bodies', async () => {
    const badParams = ['%00', '%ZZ', 'x'.repeat(600), '..%2F..', '%F0%9F%98%80', '%ED%A0%80', '%E2%80%AE', ' '];
    const badQueries = ['?limit=%00', '?limit=-1&unread=maybe', '?limit=1e999', '?scope=%00&service=%ff', '?limit=1&limit=2', `?x=${'y'.repeat(5000)}`];
    const badBodies: (string | unknown)[] = ['{"unterminated": ', '[]', '"a string"', '123', 'null', JSON.stringify({ a: { b: { c: NUL } } }), JSON.stringify(Array.from({ length: 40 }).reduce((inner) => ({ x: inner }), {})), JSON.stringify({ description: 7, name: ['x'], role: {}, state: null, title: true })];
    const failures: string[] = [];
    const send = async (method: string, path: string, body?: string) => {
      const res = await documentedFetch(`${ferry.apiUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${ferry.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body,
      }).catch((error: Error) => ({ status: 0, text: async () => error.message }));
      if (res.status >= 500 || res.status === 0) failures.push(`${method} ${path.slice(0, 120)} ${body?.slice(0, 60) ?? ''} -> ${res.status} ${(await res.text()).slice(0, 200)}`);
    };
    for (const entry of routeTable(CONTROLLERS).filter((e) => e.http && e.http.method !== 'DELETE')) {
      const { method, path } = entry.http!;
      for (const bad of badParams) await send(method, path.replace(/:[a-zA-Z]+/g, bad));
      const sane = path.replace(':namespace', 'fuzz').replace(':repository', 'app1').replace(/:[a-zA-Z]+/g, 'x');
      for (const query of badQueries) await send(method, `${sane}${query}`);
      if (method !== 'GET') for (const body of badBodies) await send(method, sane, typeof body === 'string' ? body : JSON.stringify(body));
    }
    // Deleting is tried with the malformed paths only, so the fixtures stay.
    for (const entry of routeTable(CONTROLLERS).filter((e) => e.http?.method === 'DELETE')) {
      for (const bad of badParams) await send('DELETE', entry.http!.path.replace(/:[a-zA-Z]+/g, bad));
    }
    assert.deepEqual(failures, []);
    await stillServes();
  });

  it('answers every gRPC method with INVALID_ARGUMENT or NOT_FOUND, never INTERNAL, for malformed messages', async () => {
    const messages = [
      { namespace: NUL, repository: 'x', organization: NUL },
      { namespace: 'fuzz', repository: LONE_SURROGATE, organization: LONE_SURROGATE },
      { namespace: 'fuzz', repository: 'app1', run_id: NUL, name: `a${NUL}`, description: LONE_SURROGATE },
      { namespace: 'fuzz', repository: 'x'.repeat(600), mirror: { external_registry_username: NUL, root_rule: { rule_kind: 'tag_glob_csv', rule_value: [']'] } } },
    ];
    for (const entry of routeTable(CONTROLLERS).filter((e) => e.grpc)) {
      for (const message of messages) {
        const client = entry.grpc!.service === 'OrgMirrorService' ? orgMirrorGrpcClient : grpcClient;
        const answer = await grpcCall(client, entry.grpc!.rpc, message, `Bearer ${ferry.adminToken}`);
        assert.ok(answer.ok || ![2, 13].includes(answer.error.code), `${entry.grpc!.rpc} ${JSON.stringify(message).slice(0, 80)}: ${answer.ok ? 'ok' : `${answer.error.code} ${answer.error.details}`}`);
      }
    }
  });
});
