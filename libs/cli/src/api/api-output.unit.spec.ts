import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gluedColumns } from '@ferry/testing';
import { columns } from '../text-columns';
import { parseApiArgs, type Verb } from './api-args';
import { ANSWER_TEXT, type Json } from './api-output';

/** Every label and column header the verbs print. */
const LABELS = [
  ...['status', 'upstream', 'tags', 'tag rule', 'robot', 'interval', 'next sync', 'enabled', 'verify tls', 'tag deletion', 'username', 'lease until', 'current run', 'last run'],
  ...['email', 'orgs', 'description', 'created', 'last used', 'admin', 'member', 'visibility', 'state', 'can write', 'can admin'],
  ...['source', 'repositories', 'name', 'vanished', 'filters', 'include', 'exclude', 'discovering', 'last'],
  ...['ACTION', 'RUN ID', 'TAG', 'WHEN', 'NAME', 'UUID'],
  ...['delivers to', 'verification', 'last delivery', 'belongs to', 'ID', 'VERIFICATION', 'LAST DELIVERY', 'RECEIVED', 'SENDER', 'REPOSITORY', 'OUTCOME'],
];
const HOOK_ID = '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
const HOOK: Json = { id: HOOK_ID, url: `/api/v1/hooks/${HOOK_ID}`, repository: 'mirrors/etcd', organization: null, verification: 'bearer', created: '2026-03-01T00:00:00Z', secret_rotated: null, last_delivery: null };

const NOW = new Date('2026-03-01T00:00:00Z');
const DIGEST = `sha256:${'ab'.repeat(32)}`;
const MIRROR: Json = {
  sync_status: 'SUCCESS',
  external_reference: 'quay.io/coreos/etcd',
  root_rule: { rule_kind: 'tag_glob_csv', rule_value: ['v3.*', 'latest'] },
  tag_rule: { include: [{ kind: 'semver', range: '>=3.5 <3.7', include_prerelease: false }, { kind: 'regex', pattern: 'v3\\.5\\.\\d+' }], exclude: [{ kind: 'glob', patterns: ['*-rc*'] }], keep_newest: { count: 5, by: 'semver' } },
  robot_username: 'mirrors+syncer',
  sync_interval: 86400,
  sync_start_date: '2026-03-02T00:00:00Z',
  is_enabled: true,
  external_registry_config: { verify_tls: true },
  tag_deletion: { enabled: true, max_delete: 10 },
  external_registry_username: 'puller',
  sync_expiration_date: '2026-03-01T01:00:00Z',
  current_run_id: 'run-2',
  last_run_id: 'run-1',
};
const RUN: Json = { run_id: 'run-1', trigger: 'schedule', status: 'succeeded', scheduled_at: '2026-03-01T00:00:00Z', finished_at: '2026-03-01T00:01:00Z', tags_copied: 3, tags_matched: 4, tags_failed: 1, error: { code: 'TAG_FAILURES', message: '1 tag failed' } };
const ORG_MIRROR: Json = {
  sync_status: 'SUCCESS',
  external_registry_type: 'distribution',
  external_registry_url: 'https://registry.example.com',
  external_namespace: 'team',
  robot_username: 'hub+syncer',
  visibility: 'private',
  sync_interval: 3600,
  sync_start_date: '2026-03-02T00:00:00Z',
  is_enabled: true,
  external_registry_config: { verify_tls: true },
  repo_sync_status_counts: { SUCCESS: 2, FAIL: 1, SKIP: 1 },
  repository_name_template: '{namespace}/{flat_repository}',
  vanished: { action: 'delete', max_delete: '10%' },
  repository_filters: ['svc-*'],
  include: [{ kind: 'glob', pattern: 'svc-*' }],
  exclude: [{ kind: 'regex', pattern: 'svc-legacy' }],
  tag_rule: MIRROR.tag_rule,
  external_registry_username: 'puller',
  current_discovery_id: 'discovery-2',
  last_discovery: { outcome: 'succeeded', listed: 4, matched: 3, added: 1, vanished: 1, deleted: 1, error: null },
};
const TOKEN: Json = { uuid: 'a1b2c3', title: 'ci', scopes: ['repo:read'], created: '2026-03-01T00:00:00Z', expiration: null, last_accessed: null, token_code: 'ferry_pat_x' };

/** One example a verb: its arguments, the API's answer, and the mirror after it (sync-now, cancel). */
const EXAMPLES: Record<Exclude<Verb, 'login' | 'logout'>, { argv: string[]; answer: Json; mirror?: Json }> = {
  whoami: { argv: ['whoami'], answer: { username: 'alice', super_user: true, email: 'alice@example.com', organizations: [{ name: 'mirrors', is_org_admin: true }, { name: 'ops', is_org_admin: false }] } },
  'mirror create': { argv: ['mirror', 'create', 'mirrors/etcd', '--upstream', 'quay.io/coreos/etcd', '--tags', 'v3.*', '--robot', 'mirrors+syncer'], answer: MIRROR },
  'mirror get': { argv: ['mirror', 'get', 'mirrors/etcd'], answer: MIRROR },
  'mirror delete': { argv: ['mirror', 'delete', 'mirrors/etcd'], answer: {} },
  'mirror sync-now': { argv: ['mirror', 'sync-now', 'mirrors/etcd'], answer: {}, mirror: { ...MIRROR, sync_status: 'SYNC_NOW' } },
  'mirror cancel': { argv: ['mirror', 'cancel', 'mirrors/etcd'], answer: {}, mirror: { ...MIRROR, sync_status: 'CANCEL' } },
  'mirror runs': { argv: ['mirror', 'runs', 'mirrors/etcd'], answer: { runs: [RUN, { ...RUN, run_id: 'run-2', status: 'running', finished_at: null, error: null }] } },
  'mirror preview': {
    argv: ['mirror', 'preview', 'mirrors/etcd'],
    answer: {
      copy: [{ tag: 'v3.5.10', digest: DIGEST, bytes: 3 * 1024 * 1024 }],
      unchanged: [{ tag: 'v3.5.9', digest: DIGEST }],
      failing: [{ tag: 'v3.5.8', error: { code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' } }],
      delete: ['v3.4.0'],
      totals: { copy: 1, unchanged: 1, failing: 1, delete: 1, bytes: 3 * 1024 * 1024 },
      tags_matched: 3,
      tag_deletion: { enabled: true, refused: { would_delete: 1, allowed: 0 } },
    },
  },
  'mirror tags': { argv: ['mirror', 'tags', 'mirrors/etcd'], answer: { tags: [{ name: 'v3.5.9', manifest_digest: DIGEST, run_id: 'run-1', last_modified: '2026-03-01T00:01:00Z' }] } },
  'mirror tag-history': {
    argv: ['mirror', 'tag-history', 'mirrors/etcd', 'v3.5.9'],
    answer: { tag: 'v3.5.9', first_seen_upstream: '2026-02-01T00:00:00Z', current_digest: DIGEST, history: [{ at: '2026-03-01T00:01:00Z', change: 'written', digest: DIGEST, run_id: 'run-1' }] },
  },
  'org create': { argv: ['org', 'create', 'mirrors'], answer: {} },
  'org get': { argv: ['org', 'get', 'mirrors'], answer: { name: 'mirrors', email: 'ops@example.com', is_admin: true, is_member: true } },
  'org delete': { argv: ['org', 'delete', 'mirrors'], answer: {} },
  'repo create': { argv: ['repo', 'create', 'mirrors/quay'], answer: {} },
  'repo get': { argv: ['repo', 'get', 'mirrors/quay'], answer: { description: 'mirrored', is_public: false, state: 'MIRROR', can_write: false, can_admin: true } },
  'repo delete': { argv: ['repo', 'delete', 'mirrors/quay'], answer: {} },
  'repo state': { argv: ['repo', 'state', 'mirrors/quay', 'MIRROR'], answer: {} },
  'permission list': { argv: ['permission', 'list', 'mirrors/quay'], answer: { permissions: { alice: { name: 'alice', is_robot: false, role: 'admin' }, 'mirrors+syncer': { name: 'mirrors+syncer', is_robot: true, role: 'write' } } } },
  'permission set': { argv: ['permission', 'set', 'mirrors/quay', 'mirrors+syncer', 'write'], answer: { name: 'mirrors+syncer', role: 'write' } },
  'permission remove': { argv: ['permission', 'remove', 'mirrors/quay', 'mirrors+syncer'], answer: {} },
  'robot create': { argv: ['robot', 'create', 'mirrors+syncer'], answer: { name: 'mirrors+syncer', token: 'T0KEN' } },
  'hook create': { argv: ['hook', 'create', 'mirrors/etcd'], answer: { ...HOOK, secret: 'ferry_hook_x' } },
  'hook list': { argv: ['hook', 'list', 'hub'], answer: { hooks: [{ ...HOOK, repository: null, organization: 'hub', verification: 'hmac-sha256' }] } },
  'hook rotate': { argv: ['hook', 'rotate', 'mirrors/etcd', HOOK_ID], answer: { ...HOOK, secret: 'ferry_hook_y' } },
  'hook delete': { argv: ['hook', 'delete', 'hub', HOOK_ID], answer: {} },
  'hook deliveries': {
    argv: ['hook', 'deliveries', 'mirrors/etcd', HOOK_ID],
    answer: { deliveries: [{ id: 'd1', sender: 'distribution', received: '2026-03-01T00:00:00Z', results: [{ repository: 'coreos/etcd', tags: ['v3.6.0'], outcome: 'run', detail: 'run of v3.6.0', mirror: 'mirrors/etcd' }] }] },
  },
  'robot list': { argv: ['robot', 'list', 'mirrors'], answer: { robots: [{ name: 'mirrors+syncer', description: 'writes mirrored images', created: '2026-03-01T00:00:00Z', last_accessed: null }] } },
  'robot get': { argv: ['robot', 'get', 'mirrors+syncer'], answer: { name: 'mirrors+syncer', description: '', created: '2026-03-01T00:00:00Z', last_accessed: '2026-03-01T00:05:00Z' } },
  'robot delete': { argv: ['robot', 'delete', 'mirrors+syncer'], answer: {} },
  'robot regenerate': { argv: ['robot', 'regenerate', 'mirrors+syncer'], answer: { name: 'mirrors+syncer', token: 'T0KEN2' } },
  'token create': { argv: ['token', 'create', 'ci'], answer: { token: TOKEN } },
  'token list': { argv: ['token', 'list'], answer: { tokens: [TOKEN, { ...TOKEN, uuid: 'd4e5f6', title: 'everything', scopes: [] }] } },
  'token revoke': { argv: ['token', 'revoke', 'a1b2c3'], answer: {} },
  'user create': { argv: ['user', 'create', 'bob'], answer: { username: 'bob', password: 'pa55' } },
  'user delete': { argv: ['user', 'delete', 'bob'], answer: {} },
  'org-mirror create': { argv: ['org-mirror', 'create', 'hub', '--type', 'distribution', '--url', 'https://registry.example.com', '--namespace', 'team', '--robot', 'hub+syncer'], answer: ORG_MIRROR },
  'org-mirror update': { argv: ['org-mirror', 'update', 'hub', '--interval', '600'], answer: ORG_MIRROR },
  'org-mirror get': { argv: ['org-mirror', 'get', 'hub'], answer: ORG_MIRROR },
  'org-mirror delete': { argv: ['org-mirror', 'delete', 'hub'], answer: {} },
  'org-mirror sync-now': { argv: ['org-mirror', 'sync-now', 'hub'], answer: {}, mirror: { ...ORG_MIRROR, sync_status: 'SYNC_NOW' } },
  'org-mirror cancel': { argv: ['org-mirror', 'cancel', 'hub'], answer: {}, mirror: { ...ORG_MIRROR, sync_status: 'CANCEL' } },
  'org-mirror verify': { argv: ['org-mirror', 'verify', 'hub'], answer: { success: false, message: 'Authentication failed', code: 'UNAUTHORIZED' } },
  'org-mirror repositories': {
    argv: ['org-mirror', 'repositories', 'hub'],
    answer: { repositories: [{ name: 'svc-api', sync_status: 'SUCCESS', discovery_date: '2026-03-01T00:00:00Z', last_sync_date: '2026-03-01T00:01:00Z', status_message: null, quay_repository: 'hub/svc-api', upstream_repository: 'svc-api', vanished_date: null }], page: 1, limit: 100, total: 1, has_next: false },
  },
};

const textOf = (verb: keyof typeof EXAMPLES) => {
  const { argv, answer, mirror } = EXAMPLES[verb];
  const { command } = parseApiArgs(argv, NOW, 'host');
  assert.equal(command.verb, verb);
  return ANSWER_TEXT[verb](command, answer, mirror ?? null);
};

describe('what the API verbs print for people', () => {
  for (const verb of Object.keys(EXAMPLES) as (keyof typeof EXAMPLES)[]) {
    it(`${verb} prints no label or column glued to the next`, () => {
      const text = textOf(verb);
      assert.deepEqual(gluedColumns(text, LABELS), [], text);
    });
  }

  it('mirror get sets each label apart from its value, the longest (tag deletion) too', () => {
    const text = textOf('mirror get');
    assert.match(text, /^ {2}tag deletion {2}on, at most 10 a run$/m);
    assert.match(text, /^ {2}status {8}SUCCESS$/m);
    assert.match(text, /^ {2}tag rule {6}--tags-semver >=3\.5 <3\.7 --tags-regex v3\\\.5\\\.\\d\+ --exclude \*-rc\* --keep-newest 5 \(by semver\)$/m);
    assert.match(textOf('mirror create'), /^created mirror mirrors\/etcd\n {2}status {8}SUCCESS$/m);
  });
});

describe('columns', () => {
  it('are as wide as their widest cell, two spaces apart, with - for an empty cell and the last column unpadded', () => {
    assert.equal(columns([['a', 'bb', 'c'], ['long label', '', null]], '  '), '  a           bb  c\n  long label  -   -\n');
    assert.equal(columns([]), '');
  });
});
