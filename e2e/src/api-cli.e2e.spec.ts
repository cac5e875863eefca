import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { createTestDatabase, freePort, testEventLogNames, type TestDatabase } from '@ferry/testing';
import { destroyEventLog } from './event-log';
import { testDeploymentEnv } from './ferry-processes';

const ROOT = join(__dirname, '..', '..');
const PROTO_ROOT = join(ROOT, 'libs', 'contracts', 'proto');
const CLI = join(ROOT, 'services', 'mirror-config', 'dist', 'cli', 'ferry.js');
const PASSWORD = 'upstream-Pa55word-never-shown';
// Loopback upstreams are allowed in tests (FERRY_SSRF_ALLOWED_HOSTS); nothing here syncs.
const UPSTREAM = '127.0.0.1:1/coreos/etcd';

/** mirror-config alone: these tests are about its API edges, and no scheduler may start a run behind their back. */
async function startMirrorConfig(env: Record<string, string>): Promise<{ child: ChildProcess; output: () => string }> {
  const chunks: string[] = [];
  const child = spawn(process.execPath, ['--enable-source-maps', join(ROOT, 'services', 'mirror-config', 'dist', 'main.js')], {
    env: { PATH: process.env.PATH ?? '', ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => chunks.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => chunks.push(d.toString()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mirror-config exited:\n${chunks.join('')}`);
    const res = await fetch(`http://127.0.0.1:${env.FERRY_API_PORT}/api/v1/repository/probe/probe/mirror`).catch(() => null);
    if (res?.status === 404) break;
    if (Date.now() > deadline) throw new Error(`mirror-config did not come up:\n${chunks.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output: () => chunks.join('') };
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

// ---- a gRPC client of ferry.v1.MirrorService, built from the proto as any client would ----------
type Unary = (request: object, metadata: grpc.Metadata, callback: (error: grpc.ServiceError | null, response: any) => void) => void;
type MirrorClient = grpc.Client & Record<string, Unary>;

function mirrorClient(address: string): MirrorClient {
  const definition = protoLoader.loadSync(join(PROTO_ROOT, 'ferry', 'v1', 'mirror.proto'), {
    keepCase: true,
    longs: Number,
    enums: String,
    defaults: true,
    arrays: true,
    includeDirs: [PROTO_ROOT],
  });
  const ferry = (grpc.loadPackageDefinition(definition) as any).ferry.v1;
  return new ferry.MirrorService(address, grpc.credentials.createInsecure()) as MirrorClient;
}

function rpc(client: MirrorClient, method: string, request: object): Promise<any> {
  return new Promise((resolve, reject) => {
    client[method]!.call(client, request, new grpc.Metadata(), (error, response) => (error ? reject(error) : resolve(response)));
  });
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

// ---- the CLI, as a user runs it --------------------------------------------------------------------
interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function ferry(apiUrl: string, args: string[], stdin?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', FERRY_API_URL: apiUrl }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

describe('mirror-config with its gRPC API and the ferry CLI', () => {
  const names = testEventLogNames();
  let db: TestDatabase;
  let service: { child: ChildProcess; output: () => string } | undefined;
  let client: MirrorClient;
  let apiUrl: string;

  before(async () => {
    db = await createTestDatabase();
    const [apiPort, grpcPort] = [await freePort(), await freePort()];
    apiUrl = `http://127.0.0.1:${apiPort}`;
    service = await startMirrorConfig({
      ...testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: 'http://127.0.0.1:1' }),
      FERRY_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      FERRY_API_PORT: String(apiPort),
      FERRY_GRPC_PORT: String(grpcPort),
      FERRY_LOG_LEVEL: 'warn',
    });
    client = mirrorClient(`127.0.0.1:${grpcPort}`);
  });

  after(async () => {
    client?.close();
    await stop(service?.child);
    await destroyEventLog(names);
    await db?.drop();
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

    it('creates a robot and shows its token once', async () => {
      const robot = await rpc(client, 'CreateRobot', { namespace: 'grpcns', name: 'syncer', description: 'writes mirrored images' });
      assert.equal(robot.name, 'grpcns+syncer');
      assert.equal(robot.description, 'writes mirrored images');
      assert.ok(robot.token.length >= 32);
      const again = await rpcError(rpc(client, 'CreateRobot', { namespace: 'grpcns', name: 'syncer' }));
      assert.equal(again.code, grpc.status.ALREADY_EXISTS);
    });

    it('creates the mirror, answering Quay\'s fields without the password', async () => {
      const mirror = await rpc(client, 'CreateMirror', { ...repo, mirror: settings });
      assert.equal(mirror.namespace, 'grpcns');
      assert.equal(mirror.external_reference, UPSTREAM);
      assert.equal(mirror.external_registry_username, 'puller');
      assert.deepEqual(mirror.root_rule, { rule_kind: 'tag_glob_csv', rule_value: ['v3.*', 'latest'] });
      assert.equal(mirror.sync_interval, 86400);
      assert.equal(mirror.external_registry_config.verify_tls, false);
      assert.equal(mirror.sync_status, 'NEVER_RUN');
      assert.ok(!JSON.stringify(mirror).includes(PASSWORD));
      const again = await rpcError(rpc(client, 'CreateMirror', { ...repo, mirror: settings }));
      assert.equal(again.code, grpc.status.ALREADY_EXISTS);
      assert.equal(again.metadata.get('ferry-code')[0], 'MIRROR_ALREADY_EXISTS');
    });

    it('gets the mirror as the HTTP API does', async () => {
      const mirror = await rpc(client, 'GetMirror', repo);
      const http = (await (await fetch(`${apiUrl}/api/v1/repository/grpcns/etcd/mirror`)).json()) as Record<string, unknown>;
      for (const field of ['external_reference', 'robot_username', 'sync_status', 'sync_start_date', 'sync_interval', 'is_enabled']) {
        assert.deepEqual(mirror[field], http[field], field);
      }
      assert.equal((await rpcError(rpc(client, 'GetMirror', { namespace: 'grpcns', repository: 'nope' }))).code, grpc.status.NOT_FOUND);
    });

    it('refuses bad fields with INVALID_ARGUMENT naming each of them, changing nothing', async () => {
      const error = await rpcError(rpc(client, 'UpdateMirror', { ...repo, mirror: { sync_interval: 5, external_reference: 'https://quay.io/coreos/etcd' } }));
      assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
      assert.match(error.details, /sync_interval/);
      assert.match(error.details, /external_reference/);
      assert.equal(error.metadata.get('ferry-code')[0], 'INVALID_REQUEST');
      assert.deepEqual(fieldViolations(error).map((v) => v.field).sort(), ['external_reference', 'sync_interval']);
      assert.equal((await rpc(client, 'GetMirror', repo)).sync_interval, 86400);
    });

    it('updates only the fields in the mask, clearing the masked ones not sent', async () => {
      const mirror = await rpc(client, 'UpdateMirror', {
        ...repo,
        mirror: { sync_interval: 3600, robot_username: 'ignored+notinmask' },
        update_mask: { paths: ['sync_interval', 'external_registry_username'] },
      });
      assert.equal(mirror.sync_interval, 3600);
      assert.equal(mirror.robot_username, 'grpcns+syncer');
      assert.equal(mirror.external_registry_username, undefined, 'an optional field that is not set');
      const unmasked = await rpc(client, 'UpdateMirror', { ...repo, mirror: { is_enabled: false } });
      assert.equal(unmasked.is_enabled, false);
      assert.equal(unmasked.sync_interval, 3600);
    });

    it('syncs now, cancels, and refuses a cancel with nothing to cancel as FAILED_PRECONDITION', async () => {
      assert.equal((await rpc(client, 'SyncNow', repo)).sync_status, 'SYNC_NOW');
      await rpc(client, 'CancelSync', repo);
      const error = await rpcError(rpc(client, 'CancelSync', repo));
      assert.equal(error.code, grpc.status.FAILED_PRECONDITION);
      assert.equal(error.metadata.get('ferry-code')[0], 'NOTHING_TO_CANCEL');
      assert.deepEqual((await rpc(client, 'ListRuns', repo)).runs, []);
      const badLimit = await rpcError(rpc(client, 'ListRuns', { ...repo, limit: 0 }));
      assert.equal(badLimit.code, grpc.status.INVALID_ARGUMENT);
      assert.match(badLimit.details, /limit/);
      const noRun = await rpcError(rpc(client, 'GetRun', { ...repo, run_id: '00000000-0000-4000-8000-000000000000' }));
      assert.equal(noRun.code, grpc.status.NOT_FOUND);
    });

    it('deletes the mirror', async () => {
      await rpc(client, 'DeleteMirror', repo);
      assert.equal((await rpcError(rpc(client, 'GetMirror', repo))).code, grpc.status.NOT_FOUND);
      assert.equal((await rpcError(rpc(client, 'DeleteMirror', repo))).code, grpc.status.NOT_FOUND);
    });
  });

  describe('with the ferry CLI', () => {
    it('creates a robot and a mirror, with the password from stdin and never shown', async () => {
      const robot = await ferry(apiUrl, ['robot', 'create', 'clins+syncer']);
      assert.equal(robot.code, 0, robot.stderr);
      assert.match(robot.stdout, /created robot clins\+syncer\ntoken: \S{32,}/);

      const created = await ferry(
        apiUrl,
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

      const shown = await ferry(apiUrl, ['mirror', 'get', 'clins/etcd']);
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, /^clins\/etcd\n/);
      assert.match(shown.stdout, /upstream\s+127\.0\.0\.1:1\/coreos\/etcd/);
      assert.match(shown.stdout, /status\s+NEVER_RUN/);
      assert.ok(!shown.stdout.includes(PASSWORD));
    });

    it('exits 1 with the API\'s field errors when the API refuses', async () => {
      const refused = await ferry(apiUrl, ['mirror', 'create', 'clins/bad', '--upstream', 'https://quay.io/x', '--tags', 'v3.*', '--robot', 'clins+nobody', '--interval', '5']);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /INVALID_REQUEST, HTTP 400/);
      assert.match(refused.stderr, /^ {2}external_reference: /m);
      assert.match(refused.stderr, /^ {2}sync_interval: /m);
      const json = await ferry(apiUrl, ['mirror', 'get', 'clins/none', '--json']);
      assert.equal(json.code, 1);
      assert.equal(JSON.parse(json.stdout).status, 404);
    });

    it('syncs now, cancels, lists runs and deletes', async () => {
      const sync = await ferry(apiUrl, ['mirror', 'sync-now', 'clins/etcd']);
      assert.equal(sync.code, 0, sync.stderr);
      assert.match(sync.stdout, /sync requested for clins\/etcd; status SYNC_NOW/);
      const cancel = await ferry(apiUrl, ['mirror', 'cancel', 'clins/etcd']);
      assert.equal(cancel.code, 0, cancel.stderr);
      const nothing = await ferry(apiUrl, ['mirror', 'cancel', 'clins/etcd']);
      assert.equal(nothing.code, 1);
      assert.match(nothing.stderr, /NOTHING_TO_CANCEL, HTTP 409/);
      const runs = await ferry(apiUrl, ['mirror', 'runs', 'clins/etcd', '--json']);
      assert.equal(runs.code, 0, runs.stderr);
      assert.deepEqual(JSON.parse(runs.stdout), { runs: [] });
      const deleted = await ferry(apiUrl, ['mirror', 'delete', 'clins/etcd']);
      assert.equal(deleted.code, 0, deleted.stderr);
      assert.equal((await ferry(apiUrl, ['mirror', 'get', 'clins/etcd'])).code, 1);
    });

    it('exits 2 on bad usage and hands `ferry sync` to the sync engine', async () => {
      const usage = await ferry(apiUrl, ['mirror', 'get', 'not-a-repo']);
      assert.equal(usage.code, 2);
      assert.match(usage.stderr, /expected <namespace\/repository>/);
      const sync = await ferry(apiUrl, ['sync', '--help']);
      assert.equal(sync.code, 0);
      assert.match(sync.stderr, /usage: ferry sync <upstream-repo> <target-repo>/);
    });

    it('says so when the API cannot be reached', async () => {
      const down = await ferry(`http://127.0.0.1:${await freePort()}`, ['mirror', 'get', 'clins/etcd']);
      assert.equal(down.code, 1);
      assert.match(down.stderr, /cannot reach Ferry's API/);
    });
  });
});
