import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { createTestDatabase, freePort, gluedColumns, testEventLogNames, type TestDatabase } from '@ferry/testing';
import { apiClient, createUserWithToken, type Api } from './api-client';
import { documentedFetch } from './api-document';
import { destroyEventLog } from './event-log';
import { bootstrapAdminEnv, startMirrorConfig, stopProcess as stop, testDeploymentEnv } from './ferry-processes';
import { grpcCall, mirrorClient, type MirrorClient } from './grpc-client';
import { runCli, type CliEnv, type CliResult } from './ferry-cli';

const ROOT = join(__dirname, '..', '..');
const PROTO_ROOT = join(ROOT, 'libs', 'contracts', 'proto');
const PASSWORD = 'upstream-Pa55word-never-shown';
// Loopback upstreams are allowed in tests (FERRY_SSRF_ALLOWED_HOSTS); nothing here syncs.
const UPSTREAM = '127.0.0.1:1/coreos/etcd';

// ---- ferry.v1.MirrorService over gRPC, as any client calls it ---------------------------------------
/** One call with `authorization` metadata (none when undefined); resolves with the answer, rejects with the error. */
async function rpc(client: MirrorClient, method: string, request: object, authorization: string | undefined): Promise<any> {
  const answer = await grpcCall(client, method, request, authorization);
  if (!answer.ok) throw answer.error;
  return answer.response;
}

async function rpcError(promise: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as grpc.ServiceError;
  }
  assert.fail('the call succeeded');
}

/** The field violations of a google.rpc.BadRequest in the `grpc-status-details-bin` trailer. */
function fieldViolations(error: grpc.ServiceError): { field: string; description: string }[] {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') ? target : join(PROTO_ROOT, target));
  root.loadSync('google/rpc/status.proto', { keepCase: true });
  const Status = root.lookupType('google.rpc.Status');
  const BadRequest = root.lookupType('google.rpc.BadRequest');
  const [bin] = error.metadata.get('grpc-status-details-bin');
  assert.ok(Buffer.isBuffer(bin), 'INVALID_ARGUMENT carries grpc-status-details-bin');
  const status = Status.toObject(Status.decode(bin)) as { details: { type_url: string; value: Uint8Array }[] };
  const badRequest = status.details.find((d) => d.type_url === 'type.googleapis.com/google.rpc.BadRequest');
  assert.ok(badRequest, 'the details hold a google.rpc.BadRequest');
  return (BadRequest.toObject(BadRequest.decode(badRequest.value)) as { field_violations: { field: string; description: string }[] }).field_violations;
}

describe('mirror-config with its gRPC API and the ferry CLI', () => {
  const names = testEventLogNames();
  const admin = bootstrapAdminEnv();
  const adminToken = admin.FERRY_BOOTSTRAP_ADMIN_TOKEN;
  const asAdmin = `Bearer ${adminToken}`;
  let db: TestDatabase;
  let service: { child: ChildProcess; output: () => string } | undefined;
  let client: MirrorClient;
  let apiUrl: string;
  let api: Api;
  /** The suite's own config directory: empty unless a test signs in. */
  let configDir: string;
  /** Every CLI run, to search all of them for what must never be shown, and their output for people for glued columns. */
  const transcript: (CliResult & { args: string[] })[] = [];

  /** The CLI as the admin (FERRY_TOKEN) unless `env` says otherwise. */
  async function ferry(args: string[], stdin?: string, env: Partial<CliEnv> = {}): Promise<CliResult> {
    const result = await runCli({ apiUrl, token: adminToken, configDir, ...env }, args, stdin);
    transcript.push({ ...result, args });
    return result;
  }

  before(async () => {
    db = await createTestDatabase();
    const [apiPort, grpcPort] = [await freePort(), await freePort()];
    apiUrl = `http://127.0.0.1:${apiPort}`;
    configDir = await mkdtemp(join(tmpdir(), 'ferry-cli-'));
    service = await startMirrorConfig({
      ...testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: 'http://127.0.0.1:1' }),
      ...admin,
      FERRY_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      FERRY_API_PORT: String(apiPort),
      FERRY_GRPC_PORT: String(grpcPort),
      // Any free port: other tests' services may hold mirror-config's default.
      FERRY_METRICS_PORT: '0',
      FERRY_LOG_LEVEL: 'warn',
    });
    api = apiClient(() => ({ apiUrl, adminToken }));
    client = mirrorClient(`127.0.0.1:${grpcPort}`);
  });

  after(async () => {
    client?.close();
    await stop(service?.child);
    await destroyEventLog(names);
    await db?.drop();
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  describe('over gRPC', () => {
    const repo = { namespace: 'grpcns', repository: 'etcd' };
    const settings = {
      external_reference: UPSTREAM,
      external_registry_username: 'puller',
      external_registry_password: PASSWORD,
      robot_username: 'grpcns+syncer',
      root_rule: { rule_kind: 'tag_glob_csv', rule_value: ['v3.*', 'latest'] },
      sync_start_date: '2026-01-01T00:00:00Z',
      sync_interval: 86400,
      external_registry_config: { verify_tls: false },
    };

    it('creates a robot of an organization and shows its token once', async () => {
      assert.equal((await api('POST', '/organization/', { name: 'grpcns' })).status, 201);
      const robot = await rpc(client, 'CreateRobot', { namespace: 'grpcns', name: 'syncer', description: 'writes mirrored images' }, asAdmin);
      assert.equal(robot.name, 'grpcns+syncer');
      assert.equal(robot.description, 'writes mirrored images');
      assert.ok(robot.token.length >= 32);
      const again = await rpcError(rpc(client, 'CreateRobot', { namespace: 'grpcns', name: 'syncer' }, asAdmin));
      assert.equal(again.code, grpc.status.ALREADY_EXISTS);
    });

    it('creates the mirror, answering Quay\'s fields without the password', async () => {
      const mirror = await rpc(client, 'CreateMirror', { ...repo, mirror: settings }, asAdmin);
      assert.equal(mirror.namespace, 'grpcns');
      assert.equal(mirror.external_reference, UPSTREAM);
      assert.equal(mirror.external_registry_username, 'puller');
      assert.deepEqual(mirror.root_rule, { rule_kind: 'tag_glob_csv', rule_value: ['v3.*', 'latest'] });
      assert.equal(mirror.sync_interval, 86400);
      assert.equal(mirror.external_registry_config.verify_tls, false);
      assert.equal(mirror.sync_status, 'NEVER_RUN');
      assert.ok(!JSON.stringify(mirror).includes(PASSWORD));
      const again = await rpcError(rpc(client, 'CreateMirror', { ...repo, mirror: settings }, asAdmin));
      assert.equal(again.code, grpc.status.ALREADY_EXISTS);
      assert.equal(again.metadata.get('ferry-code')[0], 'MIRROR_ALREADY_EXISTS');
    });

    it('gets the mirror as the HTTP API does', async () => {
      const mirror = await rpc(client, 'GetMirror', repo, asAdmin);
      const http = (await (await documentedFetch(`${apiUrl}/api/v1/repository/grpcns/etcd/mirror`, { headers: { authorization: asAdmin } })).json()) as Record<string, unknown>;
      for (const field of ['external_reference', 'robot_username', 'sync_status', 'sync_start_date', 'sync_interval', 'is_enabled']) {
        assert.deepEqual(mirror[field], http[field], field);
      }
      assert.equal((await rpcError(rpc(client, 'GetMirror', { namespace: 'grpcns', repository: 'nope' }, asAdmin))).code, grpc.status.NOT_FOUND);
    });

    it('refuses a call without a token as UNAUTHENTICATED, and a user without a role as PERMISSION_DENIED', async () => {
      const anonymous = await rpcError(rpc(client, 'GetMirror', repo, undefined));
      assert.equal(anonymous.code, grpc.status.UNAUTHENTICATED);
      const forged = await rpcError(rpc(client, 'GetMirror', repo, `Bearer ferry_pat_${'A'.repeat(43)}`));
      assert.equal(forged.code, grpc.status.UNAUTHENTICATED);
      const nobody = await createUserWithToken(api, apiUrl, 'grpcnobody');
      const denied = await rpcError(rpc(client, 'GetMirror', repo, `Bearer ${nobody}`));
      assert.equal(denied.code, grpc.status.PERMISSION_DENIED);
      const notDeleted = await rpcError(rpc(client, 'DeleteMirror', repo, `Bearer ${nobody}`));
      assert.equal(notDeleted.code, grpc.status.PERMISSION_DENIED);
      assert.equal((await rpc(client, 'GetMirror', repo, asAdmin)).external_reference, UPSTREAM);
    });

    it('refuses bad fields with INVALID_ARGUMENT naming each of them, changing nothing', async () => {
      const error = await rpcError(rpc(client, 'UpdateMirror', { ...repo, mirror: { sync_interval: 5, external_reference: 'https://quay.io/coreos/etcd' } }, asAdmin));
      assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
      assert.match(error.details, /sync_interval/);
      assert.match(error.details, /external_reference/);
      assert.equal(error.metadata.get('ferry-code')[0], 'INVALID_REQUEST');
      assert.deepEqual(fieldViolations(error).map((v) => v.field).sort(), ['external_reference', 'sync_interval']);
      assert.equal((await rpc(client, 'GetMirror', repo, asAdmin)).sync_interval, 86400);
    });

    it('updates only the fields in the mask, clearing the masked ones not sent', async () => {
      const mirror = await rpc(
        client,
        'UpdateMirror',
        {
          ...repo,
          mirror: { sync_interval: 3600, robot_username: 'ignored+notinmask' },
          update_mask: { paths: ['sync_interval', 'external_registry_username'] },
        },
        asAdmin,
      );
      assert.equal(mirror.sync_interval, 3600);
      assert.equal(mirror.robot_username, 'grpcns+syncer');
      assert.equal(mirror.external_registry_username, undefined, 'an optional field that is not set');
      const unmasked = await rpc(client, 'UpdateMirror', { ...repo, mirror: { is_enabled: false } }, asAdmin);
      assert.equal(unmasked.is_enabled, false);
      assert.equal(unmasked.sync_interval, 3600);
      // A mask path that names no field changes nothing: refused, naming it, and the mirror is as it was.
      const unknown = await rpcError(rpc(client, 'UpdateMirror', { ...repo, mirror: { sync_interval: 7200 }, update_mask: { paths: ['sync_interval', 'sync_intervall'] } }, asAdmin));
      assert.equal(unknown.code, grpc.status.INVALID_ARGUMENT);
      const violations = fieldViolations(unknown);
      assert.deepEqual(violations.map((v) => v.field), ['update_mask']);
      assert.match(violations[0]!.description, /"sync_intervall"/);
      assert.equal((await rpc(client, 'GetMirror', repo, asAdmin)).sync_interval, 3600);
    });

    it('sets Ferry\'s tag_rule through the mask, answering it beside root_rule, and names a bad selector\'s field', async () => {
      const tagRule = { include: [{ kind: 'glob', patterns: ['latest'] }, { kind: 'semver', range: '>=3.5 <3.7' }], exclude: [{ kind: 'regex', pattern: '.*-rc\\d*' }], keep_newest: { count: 2, by: 'semver' } };
      const mirror = await rpc(client, 'UpdateMirror', { ...repo, mirror: { tag_rule: tagRule }, update_mask: { paths: ['tag_rule'] } }, asAdmin);
      assert.deepEqual(mirror.root_rule, { rule_kind: 'tag_glob_csv', rule_value: ['latest'] });
      assert.deepEqual(mirror.tag_rule.keep_newest, { count: 2, by: 'semver' });
      assert.deepEqual(mirror.tag_rule.include[1], { kind: 'semver', patterns: [], range: '>=3.5 <3.7', include_prerelease: false });
      assert.equal(mirror.tag_rule.exclude[0].pattern, '.*-rc\\d*');
      const error = await rpcError(rpc(client, 'UpdateMirror', { ...repo, mirror: { tag_rule: { include: [{ kind: 'regex', pattern: '(a+)+$' }] } } }, asAdmin));
      assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
      assert.deepEqual(fieldViolations(error).map((v) => v.field), ['tag_rule.include[0].pattern']);
    });

    it('syncs now, cancels, and refuses a cancel with nothing to cancel as FAILED_PRECONDITION', async () => {
      assert.equal((await rpc(client, 'SyncNow', repo, asAdmin)).sync_status, 'SYNC_NOW');
      await rpc(client, 'CancelSync', repo, asAdmin);
      const error = await rpcError(rpc(client, 'CancelSync', repo, asAdmin));
      assert.equal(error.code, grpc.status.FAILED_PRECONDITION);
      assert.equal(error.metadata.get('ferry-code')[0], 'NOTHING_TO_CANCEL');
      assert.deepEqual((await rpc(client, 'ListRuns', repo, asAdmin)).runs, []);
      const badLimit = await rpcError(rpc(client, 'ListRuns', { ...repo, limit: 0 }, asAdmin));
      assert.equal(badLimit.code, grpc.status.INVALID_ARGUMENT);
      assert.match(badLimit.details, /limit/);
      const noRun = await rpcError(rpc(client, 'GetRun', { ...repo, run_id: '00000000-0000-4000-8000-000000000000' }, asAdmin));
      assert.equal(noRun.code, grpc.status.NOT_FOUND);
    });

    it('creates, lists, rotates and deletes a push hook, its secret shown only when made or rotated', async () => {
      const hook = await rpc(client, 'CreateHook', { ...repo, verification: 'hmac-sha256' }, asAdmin);
      assert.equal(hook.verification, 'hmac-sha256');
      assert.equal(hook.url, `/api/v1/hooks/${hook.id}`);
      assert.match(hook.secret, /^ferry_hook_/);
      const listed = await rpc(client, 'ListHooks', repo, asAdmin);
      assert.deepEqual(listed.hooks.map((h: { id: string; secret?: string }) => [h.id, h.secret]), [[hook.id, undefined]]);
      const rotated = await rpc(client, 'RotateHookSecret', { ...repo, hook_id: hook.id }, asAdmin);
      assert.notEqual(rotated.secret, hook.secret);
      assert.deepEqual((await rpc(client, 'ListHookDeliveries', { ...repo, hook_id: hook.id }, asAdmin)).deliveries ?? [], []);
      const badVerification = await rpcError(rpc(client, 'CreateHook', { ...repo, verification: 'md5' }, asAdmin));
      assert.equal(badVerification.code, grpc.status.INVALID_ARGUMENT);
      assert.match(badVerification.details, /verification/);
      await rpc(client, 'DeleteHook', { ...repo, hook_id: hook.id }, asAdmin);
      assert.equal((await rpcError(rpc(client, 'DeleteHook', { ...repo, hook_id: hook.id }, asAdmin))).code, grpc.status.NOT_FOUND);
    });

    it('deletes the mirror', async () => {
      await rpc(client, 'DeleteMirror', repo, asAdmin);
      assert.equal((await rpcError(rpc(client, 'GetMirror', repo, asAdmin))).code, grpc.status.NOT_FOUND);
      assert.equal((await rpcError(rpc(client, 'DeleteMirror', repo, asAdmin))).code, grpc.status.NOT_FOUND);
    });
  });

  describe('with the ferry CLI', () => {
    it('creates an organization, a robot and a mirror, with the password from stdin and never shown', async () => {
      const org = await ferry(['org', 'create', 'clins', '--email', 'ops@example.com']);
      assert.equal(org.code, 0, org.stderr);
      assert.equal(org.stdout, 'created organization clins\n');
      const shownOrg = await ferry(['org', 'get', 'clins', '--json']);
      assert.equal(shownOrg.code, 0, shownOrg.stderr);
      assert.equal(JSON.parse(shownOrg.stdout).email, 'ops@example.com');
      assert.equal(JSON.parse(shownOrg.stdout).is_admin, true);

      const robot = await ferry(['robot', 'create', 'clins+syncer']);
      assert.equal(robot.code, 0, robot.stderr);
      assert.match(robot.stdout, /created robot clins\+syncer\ntoken: \S{32,}/);
      const robots = await ferry(['robot', 'list', 'clins']);
      assert.equal(robots.code, 0, robots.stderr);
      assert.match(robots.stdout, /^NAME\s+DESCRIPTION\s+CREATED\s+LAST USED\nclins\+syncer\s/);
      assert.ok(!robots.stdout.includes(robot.stdout.match(/token: (\S+)/)![1]!), 'robot list shows no token');

      const created = await ferry(
        ['mirror', 'create', 'clins/etcd', '--upstream', UPSTREAM, '--tags', 'v3.*,latest', '--robot', 'clins+syncer', '--interval', '3600', '--username', 'puller', '--password-stdin', '--no-verify-tls', '--json'],
        `${PASSWORD}\n`,
      );
      assert.equal(created.code, 0, created.stderr);
      const mirror = JSON.parse(created.stdout);
      assert.equal(mirror.external_reference, UPSTREAM);
      assert.deepEqual(mirror.root_rule.rule_value, ['v3.*', 'latest']);
      assert.equal(mirror.sync_interval, 3600);
      assert.equal(mirror.external_registry_username, 'puller');
      assert.equal(mirror.external_registry_config.verify_tls, false);
      assert.ok(!created.stdout.includes(PASSWORD) && !created.stderr.includes(PASSWORD));

      const shown = await ferry(['mirror', 'get', 'clins/etcd']);
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, /^clins\/etcd\n/);
      assert.match(shown.stdout, /upstream\s+127\.0\.0\.1:1\/coreos\/etcd/);
      assert.match(shown.stdout, /status\s+NEVER_RUN/);
      assert.ok(!shown.stdout.includes(PASSWORD));
    });

    it('exits 1 with the API\'s field errors when the API refuses', async () => {
      const refused = await ferry(['mirror', 'create', 'clins/bad', '--upstream', 'https://quay.io/x', '--tags', 'v3.*', '--robot', 'clins+nobody', '--interval', '5']);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /INVALID_REQUEST, HTTP 400/);
      assert.match(refused.stderr, /^ {2}external_reference: /m);
      assert.match(refused.stderr, /^ {2}sync_interval: /m);
      const json = await ferry(['mirror', 'get', 'clins/none', '--json']);
      assert.equal(json.code, 1);
      assert.equal(JSON.parse(json.stdout).status, 404);
    });

    it('creates a mirror with a semver range, an exclude and keep-newest, shown as its tag rule; a catastrophic regex is the API\'s 400', async () => {
      const created = await ferry(['mirror', 'create', 'clins/semver', '--upstream', UPSTREAM, '--tags-semver', '>=3.5 <3.7', '--exclude', '*-rc*', '--keep-newest', '2', '--robot', 'clins+syncer', '--json']);
      assert.equal(created.code, 0, created.stderr);
      assert.deepEqual(JSON.parse(created.stdout).tag_rule, {
        include: [{ kind: 'semver', range: '>=3.5 <3.7', include_prerelease: false }],
        exclude: [{ kind: 'glob', patterns: ['*-rc*'] }],
        keep_newest: { count: 2, by: 'semver' },
      });
      const shown = await ferry(['mirror', 'get', 'clins/semver']);
      assert.match(shown.stdout, /tag rule\s+--tags-semver >=3\.5 <3\.7 --exclude \*-rc\* --keep-newest 2 \(by semver\)/);
      const refused = await ferry(['mirror', 'create', 'clins/redos', '--upstream', UPSTREAM, '--tags-regex', '(a+)+$', '--robot', 'clins+syncer']);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /^ {2}tag_rule\.include\[0\]\.pattern: .*nested quantifiers/m);
      assert.equal((await ferry(['mirror', 'delete', 'clins/semver'])).code, 0);
    });

    it('creates a push hook, printing its secret once, lists it, shows its deliveries, rotates and deletes it', async () => {
      const created = await ferry(['hook', 'create', 'clins/etcd']);
      assert.equal(created.code, 0, created.stderr);
      const id = created.stdout.match(/^created hook ([0-9a-f-]{36})$/m)?.[1];
      const secret = created.stdout.match(/^secret: (ferry_hook_\S+)$/m)?.[1];
      assert.ok(id && secret, created.stdout);
      const listed = await ferry(['hook', 'list', 'clins/etcd']);
      assert.equal(listed.code, 0, listed.stderr);
      assert.ok(listed.stdout.includes(id) && !listed.stdout.includes(secret), listed.stdout);
      const delivered = await fetch(`${apiUrl}/api/v1/hooks/${id}`, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: JSON.stringify({ events: [{ action: 'pull', target: { repository: 'coreos/etcd', tag: 'v3.5.0' } }] }) });
      assert.equal(delivered.status, 202);
      const deliveries = await ferry(['hook', 'deliveries', 'clins/etcd', id]);
      assert.equal(deliveries.code, 0, deliveries.stderr);
      assert.match(deliveries.stdout, /distribution +coreos\/etcd +- +ignored/);
      const rotated = await ferry(['hook', 'rotate', 'clins/etcd', id]);
      assert.equal(rotated.code, 0, rotated.stderr);
      assert.match(rotated.stdout, /^secret: ferry_hook_/m);
      const refused = await fetch(`${apiUrl}/api/v1/hooks/${id}`, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: '{}' });
      assert.equal(refused.status, 401, 'the old secret stops working');
      assert.equal((await ferry(['hook', 'delete', 'clins/etcd', id])).code, 0);
      const gone = await ferry(['hook', 'deliveries', 'clins/etcd', id]);
      assert.equal(gone.code, 1);
    });

    it('syncs now, cancels, lists runs and deletes', async () => {
      const sync = await ferry(['mirror', 'sync-now', 'clins/etcd']);
      assert.equal(sync.code, 0, sync.stderr);
      assert.match(sync.stdout, /sync requested for clins\/etcd; status SYNC_NOW/);
      const cancel = await ferry(['mirror', 'cancel', 'clins/etcd']);
      assert.equal(cancel.code, 0, cancel.stderr);
      const nothing = await ferry(['mirror', 'cancel', 'clins/etcd']);
      assert.equal(nothing.code, 1);
      assert.match(nothing.stderr, /NOTHING_TO_CANCEL, HTTP 409/);
      const runs = await ferry(['mirror', 'runs', 'clins/etcd', '--json']);
      assert.equal(runs.code, 0, runs.stderr);
      assert.deepEqual(JSON.parse(runs.stdout), { runs: [] });
      const deleted = await ferry(['mirror', 'delete', 'clins/etcd']);
      assert.equal(deleted.code, 0, deleted.stderr);
      assert.equal((await ferry(['mirror', 'get', 'clins/etcd'])).code, 1);
    });

    it('creates a repository and sets it MIRROR, which takes writes away', async () => {
      const created = await ferry(['repo', 'create', 'clins/quay', '--description', 'mirrored from quay.io']);
      assert.equal(created.code, 0, created.stderr);
      assert.equal(created.stdout, 'created repository clins/quay (private)\n');
      const before = JSON.parse((await ferry(['repo', 'get', 'clins/quay', '--json'])).stdout);
      assert.deepEqual([before.state, before.is_public, before.description, before.can_write, before.can_admin], ['NORMAL', false, 'mirrored from quay.io', true, true]);
      const state = await ferry(['repo', 'state', 'clins/quay', 'MIRROR']);
      assert.equal(state.code, 0, state.stderr);
      assert.equal(state.stdout, 'clins/quay is now MIRROR\n');
      const shown = await ferry(['repo', 'get', 'clins/quay']);
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, /^clins\/quay\n/);
      assert.match(shown.stdout, /state\s+MIRROR/);
      assert.match(shown.stdout, /can write\s+no/);
      const again = await ferry(['repo', 'create', 'clins/quay', '--json']);
      assert.equal(again.code, 1);
      assert.ok(JSON.parse(again.stdout).status >= 400);
      const badState = await ferry(['repo', 'state', 'clins/quay', 'FROZEN']);
      assert.equal(badState.code, 2);
      assert.match(badState.stderr, /NORMAL\|READ_ONLY\|MIRROR/);
    });

    it('sets, lists and removes a robot\'s permission on a repository', async () => {
      const set = await ferry(['permission', 'set', 'clins/quay', 'clins+syncer', 'write']);
      assert.equal(set.code, 0, set.stderr);
      assert.equal(set.stdout, 'clins+syncer has write on clins/quay\n');
      const listed = await ferry(['permission', 'list', 'clins/quay', '--json']);
      assert.equal(listed.code, 0, listed.stderr);
      const permissions = JSON.parse(listed.stdout).permissions;
      assert.equal(permissions['clins+syncer'].role, 'write');
      assert.equal(permissions['clins+syncer'].is_robot, true);
      const text = await ferry(['permission', 'list', 'clins/quay']);
      assert.match(text.stdout, /^NAME\s+KIND\s+ROLE\n/);
      assert.match(text.stdout, /^clins\+syncer\s+robot\s+write$/m);
      const removed = await ferry(['permission', 'remove', 'clins/quay', 'clins+syncer']);
      assert.equal(removed.code, 0, removed.stderr);
      const after = JSON.parse((await ferry(['permission', 'list', 'clins/quay', '--json'])).stdout).permissions;
      assert.equal(after['clins+syncer'], undefined);
      const nobody = await ferry(['permission', 'set', 'clins/quay', 'clins+nobody', 'read']);
      assert.equal(nobody.code, 1);
      const deleted = await ferry(['repo', 'delete', 'clins/quay']);
      assert.equal(deleted.code, 0, deleted.stderr);
      assert.equal((await ferry(['repo', 'get', 'clins/quay'])).code, 1);
    });

    it('creates, lists and revokes API tokens; a revoked token is refused with 401', async () => {
      const created = await ferry(['token', 'create', 'ci', '--json']);
      assert.equal(created.code, 0, created.stderr);
      const { token } = JSON.parse(created.stdout);
      assert.match(token.token_code, /^ferry_pat_[A-Za-z0-9_-]{43}$/);
      const narrow = await ferry(['token', 'create', 'read-only', '--scope', 'repo:read']);
      assert.equal(narrow.code, 0, narrow.stderr);
      assert.match(narrow.stdout, /^created token \S+ "read-only" \(repo:read; expires never\)\ntoken: ferry_pat_\S{43}\n\(shown this once/);
      const narrowToken = narrow.stdout.match(/token: (\S+)/)![1]!;

      const list = await ferry(['token', 'list', '--json']);
      assert.equal(list.code, 0, list.stderr);
      const tokens = JSON.parse(list.stdout).tokens as { uuid: string; title: string; scopes: string[] }[];
      assert.deepEqual(tokens.find((t) => t.uuid === token.uuid)?.title, 'ci');
      assert.deepEqual(tokens.find((t) => t.title === 'read-only')?.scopes, ['repo:read']);
      assert.ok(!list.stdout.includes(token.token_code), 'a list shows no token');
      const table = await ferry(['token', 'list']);
      assert.match(table.stdout, /^UUID\s+TITLE\s+SCOPES\s+CREATED\s+EXPIRES\s+LAST USED\n/);
      assert.match(table.stdout, new RegExp(`^${token.uuid}\\s+ci\\s`, 'm'));

      // The new token works in FERRY_TOKEN; a token with too few scopes is refused with 403.
      const asCi = await ferry(['whoami'], undefined, { token: token.token_code });
      assert.equal(asCi.code, 0, asCi.stderr);
      assert.match(asCi.stdout, /^admin \(superuser\)\n/);
      const tooNarrow = await ferry(['org', 'create', 'narrowns'], undefined, { token: narrowToken });
      assert.equal(tooNarrow.code, 1);
      assert.match(tooNarrow.stderr, /FORBIDDEN, HTTP 403/);

      const revoked = await ferry(['token', 'revoke', token.uuid]);
      assert.equal(revoked.code, 0, revoked.stderr);
      assert.equal(revoked.stdout, `revoked token ${token.uuid}\n`);
      const refused = await ferry(['whoami'], undefined, { token: token.token_code });
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /UNAUTHENTICATED, HTTP 401/);
      assert.match(refused.stderr, /FERRY_TOKEN/);
      assert.equal((await ferry(['token', 'revoke', token.uuid])).code, 1);
    });

    it('says to sign in when no token is given', async () => {
      const anonymous = await ferry(['mirror', 'get', 'clins/etcd'], undefined, { token: null });
      assert.equal(anonymous.code, 1);
      assert.match(anonymous.stderr, /UNAUTHENTICATED, HTTP 401/);
      assert.match(anonymous.stderr, /run `ferry login/);
    });

    it('signs in with a token from stdin, stores it privately and uses it without FERRY_TOKEN', async () => {
      const dir = join(configDir, 'token-login');
      const env = { token: null, configDir: dir };
      const login = await ferry(['login', '--token-stdin'], `${adminToken}\n`, env);
      assert.equal(login.code, 0, login.stderr);
      assert.equal(login.stdout, `signed in to ${apiUrl} as admin\n`);
      const file = join(dir, 'credentials.json');
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      assert.equal((await stat(dir)).mode & 0o777, 0o700);
      const stored = JSON.parse(await readFile(file, 'utf8'));
      assert.equal(stored.api_url, apiUrl);
      assert.equal(stored.token, adminToken);

      const whoami = await ferry(['whoami'], undefined, env);
      assert.equal(whoami.code, 0, whoami.stderr);
      assert.match(whoami.stdout, /^admin \(superuser\)\n/);
      const orgs = await ferry(['org', 'get', 'clins'], undefined, env);
      assert.equal(orgs.code, 0, orgs.stderr);
      // The stored token goes to the API it was stored for only.
      const seen: (string | undefined)[] = [];
      const other = createServer((req, res) => {
        seen.push(req.headers.authorization);
        res.writeHead(401, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ status: 401, code: 'UNAUTHENTICATED', detail: 'sign in' }));
      });
      await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
      try {
        const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
        const elsewhere = await ferry(['whoami', '--api-url', otherUrl], undefined, env);
        assert.equal(elsewhere.code, 1);
        assert.match(elsewhere.stderr, new RegExp(`not signed in to ${otherUrl.replace(/\./g, '\\.')}: run \`ferry login --api-url`));
        assert.deepEqual(seen, [undefined]);
      } finally {
        await new Promise((resolve) => other.close(resolve));
      }

      // A token given to login is not login's to revoke.
      const logout = await ferry(['logout'], undefined, env);
      assert.equal(logout.code, 0, logout.stderr);
      assert.match(logout.stdout, new RegExp(`^signed out of ${apiUrl.replace(/\./g, '\\.')}`));
      await assert.rejects(stat(file), { code: 'ENOENT' });
      assert.equal((await ferry(['whoami'])).code, 0);
      const signedOut = await ferry(['whoami'], undefined, env);
      assert.equal(signedOut.code, 1);
      assert.match(signedOut.stderr, /run `ferry login/);

      const bad = await ferry(['login', '--token-stdin'], `ferry_pat_${'B'.repeat(43)}\n`, env);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /UNAUTHENTICATED, HTTP 401/);
      await assert.rejects(stat(file), { code: 'ENOENT' });
    });

    it('signs in with a password from stdin, making a token it revokes on logout', async () => {
      const dir = join(configDir, 'password-login');
      const env = { token: null, configDir: dir };
      const wrong = await ferry(['login', '--username', 'admin', '--password-stdin'], 'not-the-password\n', env);
      assert.equal(wrong.code, 1);
      assert.match(wrong.stderr, /HTTP 401/);

      const login = await ferry(['login', '--username', 'admin', '--password-stdin'], `${admin.FERRY_BOOTSTRAP_ADMIN_PASSWORD}\n`, env);
      assert.equal(login.code, 0, login.stderr);
      assert.equal(login.stdout, `signed in to ${apiUrl} as admin\n`);
      const file = join(dir, 'credentials.json');
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      const stored = JSON.parse(await readFile(file, 'utf8'));
      assert.match(stored.token, /^ferry_pat_/);
      assert.notEqual(stored.token, adminToken);
      assert.ok(!`${login.stdout}${login.stderr}`.includes(stored.token), 'login never prints the token');

      const tokens = await ferry(['token', 'list', '--json'], undefined, env);
      assert.equal(tokens.code, 0, tokens.stderr);
      const made = (JSON.parse(tokens.stdout).tokens as { uuid: string; title: string }[]).find((t) => t.uuid === stored.uuid);
      assert.equal(made?.title, `ferry-cli@${hostname()}`);
      const whoami = await ferry(['whoami', '--json'], undefined, env);
      assert.equal(JSON.parse(whoami.stdout).username, 'admin');

      const logout = await ferry(['logout'], undefined, env);
      assert.equal(logout.code, 0, logout.stderr);
      assert.match(logout.stdout, /the token is revoked/);
      await assert.rejects(stat(file), { code: 'ENOENT' });
      const revoked = await ferry(['whoami'], undefined, { token: stored.token });
      assert.equal(revoked.code, 1);
      assert.match(revoked.stderr, /UNAUTHENTICATED, HTTP 401/);
      assert.equal((await ferry(['logout'], undefined, env)).stdout, 'not signed in\n');
    });

    it('creates a user (as a superuser) with a password shown once, and deletes it', async () => {
      const created = await ferry(['user', 'create', 'cliuser', '--email', 'cliuser@example.com']);
      assert.equal(created.code, 0, created.stderr);
      assert.match(created.stdout, /^created user cliuser\npassword: \S+\n\(shown this once/);
      const password = created.stdout.match(/password: (\S+)/)![1]!;
      const dir = join(configDir, 'cliuser');
      const login = await ferry(['login', '--username', 'cliuser', '--password-stdin'], password, { token: null, configDir: dir });
      assert.equal(login.code, 0, login.stderr);
      assert.equal(login.stdout, `signed in to ${apiUrl} as cliuser\n`);
      // An ordinary user is no superuser.
      const denied = await ferry(['user', 'create', 'other'], undefined, { token: null, configDir: dir });
      assert.equal(denied.code, 1);
      assert.match(denied.stderr, /HTTP 403/);
      const deleted = await ferry(['user', 'delete', 'cliuser']);
      assert.equal(deleted.code, 0, deleted.stderr);
      assert.equal(deleted.stdout, 'deleted user cliuser\n');
      assert.equal((await ferry(['whoami'], undefined, { token: null, configDir: dir })).code, 1);
    });

    it('exits 2 on bad usage and hands `ferry sync` to the sync engine', async () => {
      const usage = await ferry(['mirror', 'get', 'not-a-repo']);
      assert.equal(usage.code, 2);
      assert.match(usage.stderr, /expected <namespace\/repository>/);
      const noPassword = await ferry(['login', '--username', 'admin']);
      assert.equal(noPassword.code, 2);
      const tokenElsewhere = await ferry(['whoami', '--token-stdin'], adminToken);
      assert.equal(tokenElsewhere.code, 2);
      assert.match(tokenElsewhere.stderr, /--token-stdin does not apply/);
      const sync = await ferry(['sync', '--help']);
      assert.equal(sync.code, 0);
      assert.match(sync.stderr, /usage: ferry sync <upstream-repo> <target-repo>/);
    });

    it('says so when the API cannot be reached', async () => {
      const down = await ferry(['mirror', 'get', 'clins/etcd'], undefined, { apiUrl: `http://127.0.0.1:${await freePort()}` });
      assert.equal(down.code, 1);
      assert.match(down.stderr, /cannot reach Ferry's API/);
    });

    it('prints every answer for people with each label apart from its value and each column apart from the next', () => {
      const forPeople = transcript.filter((r) => r.code === 0 && !r.args.includes('--json') && r.stdout !== '');
      assert.ok(forPeople.some((r) => r.args[0] === 'mirror' && r.args[1] === 'get'));
      for (const r of forPeople) assert.deepEqual(gluedColumns(r.stdout, ['status', 'upstream', 'tag rule', 'tag deletion', 'state', 'can write']), [], `ferry ${r.args.join(' ')}:\n${r.stdout}`);
    });

    it('never shows the admin\'s password or token, nor an upstream password', () => {
      assert.ok(transcript.length > 30);
      for (const secret of [admin.FERRY_BOOTSTRAP_ADMIN_PASSWORD, adminToken, PASSWORD]) {
        const shown = transcript.find((r) => r.stdout.includes(secret) || r.stderr.includes(secret));
        assert.equal(shown, undefined, 'a command printed a secret');
      }
    });
  });
});
