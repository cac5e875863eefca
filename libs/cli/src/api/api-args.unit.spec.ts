import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseApiArgs, UsageError } from './api-args';

const NOW = new Date('2026-03-01T12:34:56.789Z');

describe('ferry mirror create', () => {
  it('becomes a Quay-shaped POST with the defaults filled in', () => {
    const { command, json } = parseApiArgs(['mirror', 'create', 'mirrors/etcd', '--upstream', 'quay.io/coreos/etcd', '--tags', 'v3.*, latest', '--robot', 'mirrors+syncer', '--no-verify-tls', '--json'], NOW);
    assert.equal(json, true);
    assert.equal(command.method, 'POST');
    assert.equal(command.path, '/repository/mirrors/etcd/mirror');
    assert.deepEqual(command.body, {
      external_reference: 'quay.io/coreos/etcd',
      root_rule: { rule_kind: 'tag_glob_csv', rule_value: ['v3.*', 'latest'] },
      robot_username: 'mirrors+syncer',
      sync_interval: 86400,
      sync_start_date: '2026-03-01T12:34:56Z',
      is_enabled: true,
      external_registry_username: null,
      external_registry_config: { verify_tls: false },
    });
    assert.equal(command.stdin, undefined);
  });

  it('reads the password from stdin only with a username', () => {
    const { command } = parseApiArgs(['mirror', 'create', 'a/b', '--upstream', 'h/p', '--tags', 'x', '--robot', 'a+r', '--username', 'u', '--password-stdin', '--interval', '3600', '--start', '2026-01-01T00:00:00Z'], NOW);
    assert.equal(command.stdin, 'upstream-password');
    assert.equal(command.body!.external_registry_username, 'u');
    assert.equal(command.body!.sync_interval, 3600);
    assert.equal(command.body!.sync_start_date, '2026-01-01T00:00:00Z');
    assert.throws(() => parseApiArgs(['mirror', 'create', 'a/b', '--upstream', 'h/p', '--tags', 'x', '--robot', 'a+r', '--password-stdin']), UsageError);
  });

  it('sends tag_deletion only when asked, and keep-newest by first-seen', () => {
    const base = ['mirror', 'create', 'a/b', '--upstream', 'h/p', '--tags', 'v*', '--robot', 'a+r'];
    assert.equal(parseApiArgs(base, NOW).command.body!.tag_deletion, undefined);
    assert.deepEqual(parseApiArgs([...base, '--no-delete'], NOW).command.body!.tag_deletion, { enabled: false });
    assert.deepEqual(parseApiArgs([...base, '--max-delete', '25%'], NOW).command.body!.tag_deletion, { enabled: true, max_delete: '25%' });
    const rule = parseApiArgs([...base, '--keep-newest', '3', '--keep-newest-by', 'first-seen'], NOW).command.body!.tag_rule as { keep_newest: unknown };
    assert.deepEqual(rule.keep_newest, { count: 3, by: 'first-seen' });
  });

  it('names every missing required option', () => {
    assert.throws(() => parseApiArgs(['mirror', 'create', 'a/b', '--tags', 'x']), /--upstream, --robot/);
  });

  it('sends Ferry\'s tag_rule for the regex, semver, exclude and keep-newest flags', () => {
    const { command } = parseApiArgs(
      ['mirror', 'create', 'a/b', '--upstream', 'h/p', '--robot', 'a+r', '--tags', 'latest', '--tags-semver', '>=1.27 <1.30', '--tags-regex', 'v\\d+', '--exclude', '*-rc*', '--exclude-regex', '.*-dev', '--keep-newest', '3'],
      NOW,
    );
    assert.equal(command.body!.root_rule, undefined);
    assert.deepEqual(command.body!.tag_rule, {
      include: [
        { kind: 'glob', patterns: ['latest'] },
        { kind: 'regex', pattern: 'v\\d+' },
        { kind: 'semver', range: '>=1.27 <1.30', include_prerelease: false },
      ],
      exclude: [{ kind: 'glob', patterns: ['*-rc*'] }, { kind: 'regex', pattern: '.*-dev' }],
      keep_newest: { count: 3, by: 'semver' },
    });
  });

  it('takes a semver range instead of --tags, and refuses the rule flags on other verbs', () => {
    const { command } = parseApiArgs(['mirror', 'create', 'a/b', '--upstream', 'h/p', '--robot', 'a+r', '--tags-semver', '^2', '--include-prerelease'], NOW);
    assert.deepEqual(command.body!.tag_rule, { include: [{ kind: 'semver', range: '^2', include_prerelease: true }], exclude: [] });
    assert.throws(() => parseApiArgs(['mirror', 'create', 'a/b', '--upstream', 'h/p', '--robot', 'a+r', '--exclude', 'x']), /needs --tags/);
    assert.throws(() => parseApiArgs(['mirror', 'get', 'a/b', '--keep-newest', '3']), /--keep-newest does not apply/);
  });
});

describe('the other verbs', () => {
  const call = (...argv: string[]) => {
    const { command } = parseApiArgs(argv, NOW, 'build-host');
    return `${command.method} ${command.path}`;
  };
  const body = (...argv: string[]) => parseApiArgs(argv, NOW, 'build-host').command.body;

  it('sync-now --follow asks to follow the run it starts; --follow goes with sync-now only', () => {
    assert.equal(parseApiArgs(['mirror', 'sync-now', 'a/b', '--follow']).command.follow, true);
    assert.equal(parseApiArgs(['mirror', 'sync-now', 'a/b']).command.follow, undefined);
    assert.throws(() => parseApiArgs(['mirror', 'get', 'a/b', '--follow']), /--follow does not apply/);
  });

  it('map to the HTTP API paths', () => {
    assert.equal(call('mirror', 'get', 'a/b'), 'GET /repository/a/b/mirror');
    assert.equal(call('mirror', 'delete', 'a/b'), 'DELETE /repository/a/b/mirror');
    assert.equal(call('mirror', 'sync-now', 'a/b'), 'POST /repository/a/b/mirror/sync-now');
    assert.equal(call('mirror', 'cancel', 'a/b'), 'POST /repository/a/b/mirror/sync-cancel');
    assert.equal(call('mirror', 'runs', 'a/b', '--limit', '5'), 'GET /repository/a/b/mirror/runs?limit=5');
    assert.equal(call('mirror', 'preview', 'a/b'), 'POST /repository/a/b/mirror/preview');
    assert.equal(call('mirror', 'tags', 'a/b'), 'GET /repository/a/b/mirror/tags');
    assert.equal(call('mirror', 'tag-history', 'a/b', 'v1.2'), 'GET /repository/a/b/mirror/tags/v1.2/history');
    assert.equal(call('robot', 'create', 'a+syncer', '--api-url', 'http://x'), 'PUT /organization/a/robots/syncer');
    assert.equal(call('robot', 'list', 'a'), 'GET /organization/a/robots');
    assert.equal(call('robot', 'get', 'a+syncer'), 'GET /organization/a/robots/syncer');
    assert.equal(call('robot', 'delete', 'a+syncer'), 'DELETE /organization/a/robots/syncer');
    assert.equal(call('robot', 'regenerate', 'a+syncer'), 'POST /organization/a/robots/syncer/regenerate');
    assert.equal(call('whoami'), 'GET /user/');
    assert.equal(call('token', 'create', 'ci'), 'POST /user/apptoken');
    assert.equal(call('token', 'list'), 'GET /user/apptoken');
    assert.equal(call('token', 'revoke', '0b9d6f1c-2d5e-4e8f-9a6b-3c1d2e4f5a6b'), 'DELETE /user/apptoken/0b9d6f1c-2d5e-4e8f-9a6b-3c1d2e4f5a6b');
    assert.equal(call('org', 'create', 'mirrors'), 'POST /organization/');
    assert.equal(call('org', 'get', 'mirrors'), 'GET /organization/mirrors');
    assert.equal(call('org', 'delete', 'mirrors'), 'DELETE /organization/mirrors');
    assert.equal(call('repo', 'create', 'a/b'), 'POST /repository');
    assert.equal(call('repo', 'get', 'a/b'), 'GET /repository/a/b');
    assert.equal(call('repo', 'delete', 'a/b'), 'DELETE /repository/a/b');
    assert.equal(call('repo', 'state', 'a/b', 'MIRROR'), 'PUT /repository/a/b/changestate');
    assert.equal(call('permission', 'list', 'a/b'), 'GET /repository/a/b/permissions/user/');
    assert.equal(call('permission', 'set', 'a/b', 'a+syncer', 'write'), 'PUT /repository/a/b/permissions/user/a%2Bsyncer');
    assert.equal(call('permission', 'remove', 'a/b', 'alice'), 'DELETE /repository/a/b/permissions/user/alice');
    assert.equal(call('user', 'create', 'alice'), 'POST /superuser/users/');
    assert.equal(call('user', 'delete', 'alice'), 'DELETE /superuser/users/alice');
  });

  it('send Quay\'s bodies, with only the options given', () => {
    assert.deepEqual(body('token', 'create', 'ci', '--scope', 'repo:read', '--scope', 'repo:write,org:admin', '--expires', '2027-01-01T00:00:00Z'), {
      title: 'ci',
      scopes: ['repo:read', 'repo:write', 'org:admin'],
      expiration: '2027-01-01T00:00:00Z',
    });
    assert.deepEqual(body('token', 'create', 'ci'), { title: 'ci' });
    assert.deepEqual(body('org', 'create', 'mirrors', '--email', 'ops@example.com'), { name: 'mirrors', email: 'ops@example.com' });
    assert.deepEqual(body('org', 'create', 'mirrors'), { name: 'mirrors' });
    assert.deepEqual(body('repo', 'create', 'a/b', '--public', '--description', 'etcd'), { namespace: 'a', repository: 'b', visibility: 'public', description: 'etcd' });
    assert.deepEqual(body('repo', 'create', 'a/b'), { namespace: 'a', repository: 'b', visibility: 'private' });
    assert.deepEqual(body('repo', 'state', 'a/b', 'read_only'), { state: 'READ_ONLY' });
    assert.deepEqual(body('permission', 'set', 'a/b', 'alice', 'ADMIN'), { role: 'admin' });
    assert.deepEqual(body('robot', 'create', 'a+r'), {});
    assert.deepEqual(body('user', 'create', 'alice', '--email', 'a@example.com'), { username: 'alice', email: 'a@example.com' });
    const { command } = parseApiArgs(['permission', 'set', 'a/b', 'a+r', 'read'], NOW);
    assert.equal(command.subject, 'a/b');
    assert.deepEqual(command.args, ['a/b', 'a+r', 'read']);
  });

  it('refuse bad usage: unknown verbs, malformed names, options of another verb', () => {
    assert.throws(() => parseApiArgs(['mirror', 'frobnicate', 'a/b']), /unknown command "mirror frobnicate"/);
    assert.throws(() => parseApiArgs(['frobnicate']), /unknown command "frobnicate"/);
    assert.throws(() => parseApiArgs(['token']), /unknown command "token"/);
    assert.throws(() => parseApiArgs([]), /no command given/);
    assert.throws(() => parseApiArgs(['mirror', 'get', 'a']), /namespace\/repository/);
    assert.throws(() => parseApiArgs(['robot', 'create', 'a/b']), /namespace\+name/);
    assert.throws(() => parseApiArgs(['robot', 'get', 'a']), /namespace\+name/);
    assert.throws(() => parseApiArgs(['robot', 'list']), /expected <namespace>, got nothing/);
    assert.throws(() => parseApiArgs(['mirror', 'get', 'a/b', '--robot', 'x+y']), /--robot does not apply/);
    assert.throws(() => parseApiArgs(['mirror', 'get', 'a/b', '--bogus']), UsageError);
    assert.throws(() => parseApiArgs(['mirror', 'get', 'a/b', 'c/d']), /unexpected argument "c\/d"/);
    assert.throws(() => parseApiArgs(['whoami', 'me']), /unexpected argument "me"/);
    assert.throws(() => parseApiArgs(['token', 'list', 'x']), /unexpected argument "x"/);
    assert.throws(() => parseApiArgs(['token', 'create']), /expected <title>, got nothing/);
    assert.throws(() => parseApiArgs(['token', 'create', 'ci', '--email', 'x@y']), /--email does not apply to ferry token create/);
    assert.throws(() => parseApiArgs(['org', 'create', 'a/b']), /expected <name>/);
    assert.throws(() => parseApiArgs(['repo', 'state', 'a/b']), /expected a state, NORMAL\|READ_ONLY\|MIRROR, got nothing/);
    assert.throws(() => parseApiArgs(['repo', 'state', 'a/b', 'FROZEN']), /got "FROZEN"/);
    assert.throws(() => parseApiArgs(['permission', 'set', 'a/b', 'alice']), /expected a role, read\|write\|admin/);
    assert.throws(() => parseApiArgs(['permission', 'set', 'a/b', 'alice', 'owner']), UsageError);
    assert.throws(() => parseApiArgs(['permission', 'remove', 'a/b']), /expected <user or namespace\+robot>/);
    assert.throws(() => parseApiArgs(['repo', 'create', 'a/b', '--scope', 'repo:read']), /--scope does not apply/);
  });
});

describe('ferry login', () => {
  it('reads a token from stdin and checks it with GET /user/', () => {
    const { command, apiUrl } = parseApiArgs(['login', '--token-stdin', '--api-url', 'https://ferry.example.com'], NOW, 'build-host');
    assert.equal(apiUrl, 'https://ferry.example.com');
    assert.deepEqual({ method: command.method, path: command.path, stdin: command.stdin }, { method: 'GET', path: '/user/', stdin: 'token' });
  });

  it('makes an API token from a password on stdin, titled after the host', () => {
    const { command } = parseApiArgs(['login', '--username', 'alice', '--password-stdin'], NOW, 'build-host');
    assert.equal(`${command.method} ${command.path}`, 'POST /user/apptoken');
    assert.deepEqual(command.body, { title: 'ferry-cli@build-host' });
    assert.equal(command.stdin, 'password');
    assert.equal(command.username, 'alice');
  });

  it('never takes a password from the command line, and needs one way to sign in', () => {
    assert.throws(() => parseApiArgs(['login']), /needs --token-stdin, or --username USER with --password-stdin/);
    assert.throws(() => parseApiArgs(['login', '--username', 'alice']), /--password-stdin/);
    assert.throws(() => parseApiArgs(['login', '--password-stdin']), /--username/);
    assert.throws(() => parseApiArgs(['login', '--username', 'alice', 'hunter2']), (e: Error) => e instanceof UsageError && /read from stdin/.test(e.message) && !e.message.includes('hunter2'));
    assert.throws(() => parseApiArgs(['login', '--password', 'hunter2']), UsageError);
    assert.throws(() => parseApiArgs(['login', '--token-stdin', '--username', 'alice']), /--token-stdin goes alone/);
    assert.throws(() => parseApiArgs(['login', '--token-stdin', '--password-stdin']), /--token-stdin goes alone/);
  });

  it('is the only verb that takes --token-stdin, and only login and mirror create read a password', () => {
    for (const argv of [['whoami'], ['logout'], ['token', 'list'], ['token', 'create', 't'], ['mirror', 'get', 'a/b'], ['mirror', 'create', 'a/b', '--upstream', 'h/p', '--tags', 'x', '--robot', 'a+r'], ['user', 'create', 'alice'], ['robot', 'create', 'a+r']]) {
      assert.throws(() => parseApiArgs([...argv, '--token-stdin']), /--token-stdin does not apply/, argv.join(' '));
    }
    for (const argv of [['whoami'], ['logout'], ['token', 'create', 't'], ['user', 'create', 'alice'], ['robot', 'create', 'a+r'], ['repo', 'create', 'a/b']]) {
      assert.throws(() => parseApiArgs([...argv, '--password-stdin']), /--password-stdin does not apply/, argv.join(' '));
    }
  });

  it('logout takes no options', () => {
    assert.equal(parseApiArgs(['logout']).command.verb, 'logout');
    assert.throws(() => parseApiArgs(['logout', '--username', 'x']), /--username does not apply to ferry logout/);
  });
});

describe('ferry org-mirror', () => {
  const base = ['org-mirror', 'create', 'acme', '--type', 'harbor', '--url', 'https://harbor.example.com', '--namespace', 'my-project', '--robot', 'acme+mirrorbot'];

  it('create becomes Quay\'s POST with the CLI\'s defaults for Quay\'s required fields', () => {
    const { command } = parseApiArgs(base, NOW);
    assert.equal(`${command.method} ${command.path}`, 'POST /organization/acme/mirror');
    assert.deepEqual(command.body, {
      visibility: 'private',
      sync_interval: 86400,
      sync_start_date: '2026-03-01T12:34:56Z',
      external_registry_type: 'harbor',
      external_registry_url: 'https://harbor.example.com',
      external_namespace: 'my-project',
      robot_username: 'acme+mirrorbot',
    });
  });

  it("create lists another Ferry's organization through its API with --listing-url", () => {
    const { command } = parseApiArgs([...base.slice(0, 4), 'quay', ...base.slice(5), '--listing-url', 'https://ferry.example.com'], NOW);
    assert.equal((command.body as Record<string, unknown>).external_listing_url, 'https://ferry.example.com');
    assert.equal((command.body as Record<string, unknown>).external_registry_type, 'quay');
  });

  it('create sends Ferry\'s fields for the repository, tag and vanished flags', () => {
    const { command } = parseApiArgs(
      [
        ...base,
        '--repos', 'app*,lib-*',
        '--include-repo', 'team/*',
        '--exclude-repo-regex', '.*-old',
        '--name-template', '{repository}',
        '--vanished', 'delete',
        '--vanished-max-delete', '10%',
        '--tags', 'v*',
        '--keep-newest', '3',
        '--platforms', 'amd64,arm64',
        '--skopeo-timeout', '600',
        '--visibility', 'public',
        '--no-verify-tls',
        '--disabled',
        '--username', 'puller',
        '--password-stdin',
      ],
      NOW,
    );
    assert.equal(command.stdin, 'upstream-password');
    const body = command.body!;
    assert.deepEqual(body.repository_filters, ['app*', 'lib-*']);
    assert.deepEqual(body.include, [{ kind: 'glob', pattern: 'team/*' }]);
    assert.deepEqual(body.exclude, [{ kind: 'regex', pattern: '.*-old' }]);
    assert.equal(body.repository_name_template, '{repository}');
    assert.deepEqual(body.vanished, { action: 'delete', max_delete: '10%' });
    assert.deepEqual(body.tag_rule, { include: [{ kind: 'glob', patterns: ['v*'] }], exclude: [], keep_newest: { count: 3, by: 'semver' } });
    assert.deepEqual(body.architecture_filter, ['amd64', 'arm64']);
    assert.equal(body.skopeo_timeout, 600);
    assert.equal(body.visibility, 'public');
    assert.deepEqual(body.external_registry_config, { verify_tls: false });
    assert.equal(body.is_enabled, false);
    assert.equal(body.external_registry_username, 'puller');
  });

  it('create names the missing required flags; a password needs a username, a cap needs --vanished', () => {
    assert.throws(() => parseApiArgs(['org-mirror', 'create', 'acme', '--type', 'quay']), /needs --url, --namespace, --robot/);
    assert.throws(() => parseApiArgs([...base, '--password-stdin']), /--password-stdin needs --username/);
    assert.throws(() => parseApiArgs([...base, '--vanished-max-delete', '3']), /needs --vanished/);
    assert.throws(() => parseApiArgs([...base, '--interval', 'soon']), /--interval takes whole seconds/);
  });

  it('update sends only what is given, and refuses to send nothing', () => {
    const { command } = parseApiArgs(['org-mirror', 'update', 'acme', '--interval', '3600', '--vanished', 'keep'], NOW);
    assert.equal(`${command.method} ${command.path}`, 'PUT /organization/acme/mirror');
    assert.deepEqual(command.body, { sync_interval: 3600, vanished: { action: 'keep' } });
    assert.throws(() => parseApiArgs(['org-mirror', 'update', 'acme']), /at least one setting/);
  });

  it('the other verbs call Quay\'s routes', () => {
    const call = (...argv: string[]) => {
      const { command } = parseApiArgs(argv, NOW);
      return `${command.method} ${command.path}`;
    };
    assert.equal(call('org-mirror', 'get', 'acme'), 'GET /organization/acme/mirror');
    assert.equal(call('org-mirror', 'delete', 'acme'), 'DELETE /organization/acme/mirror');
    assert.equal(call('org-mirror', 'delete', 'acme', '--delete-repositories'), 'DELETE /organization/acme/mirror?delete_repositories=true');
    assert.equal(call('org-mirror', 'sync-now', 'acme'), 'POST /organization/acme/mirror/sync-now');
    assert.equal(call('org-mirror', 'cancel', 'acme'), 'POST /organization/acme/mirror/sync-cancel');
    assert.equal(call('org-mirror', 'verify', 'acme'), 'POST /organization/acme/mirror/verify');
    assert.equal(call('org-mirror', 'repositories', 'acme'), 'GET /organization/acme/mirror/repositories');
    assert.equal(call('org-mirror', 'repositories', 'acme', '--status', 'fail', '--page', '2', '--limit', '50'), 'GET /organization/acme/mirror/repositories?status=fail&page=2&limit=50');
    assert.throws(() => parseApiArgs(['org-mirror', 'get', 'a/b']), /expected <organization>/);
    assert.throws(() => parseApiArgs(['org-mirror', 'get', 'acme', '--status', 'FAIL']), /--status does not apply/);
  });
});
