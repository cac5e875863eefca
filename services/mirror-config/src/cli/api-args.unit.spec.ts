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
    assert.equal(command.passwordFromStdin, false);
  });

  it('reads the password from stdin only with a username', () => {
    const { command } = parseApiArgs(['mirror', 'create', 'a/b', '--upstream', 'h/p', '--tags', 'x', '--robot', 'a+r', '--username', 'u', '--password-stdin', '--interval', '3600', '--start', '2026-01-01T00:00:00Z'], NOW);
    assert.equal(command.passwordFromStdin, true);
    assert.equal(command.body!.external_registry_username, 'u');
    assert.equal(command.body!.sync_interval, 3600);
    assert.equal(command.body!.sync_start_date, '2026-01-01T00:00:00Z');
    assert.throws(() => parseApiArgs(['mirror', 'create', 'a/b', '--upstream', 'h/p', '--tags', 'x', '--robot', 'a+r', '--password-stdin']), UsageError);
  });

  it('names every missing required option', () => {
    assert.throws(() => parseApiArgs(['mirror', 'create', 'a/b', '--tags', 'x']), /--upstream, --robot/);
  });
});

describe('the other verbs', () => {
  it('map to the HTTP API paths', () => {
    const path = (...argv: string[]) => {
      const { command } = parseApiArgs(argv);
      return `${command.method} ${command.path}`;
    };
    assert.equal(path('mirror', 'get', 'a/b'), 'GET /repository/a/b/mirror');
    assert.equal(path('mirror', 'delete', 'a/b'), 'DELETE /repository/a/b/mirror');
    assert.equal(path('mirror', 'sync-now', 'a/b'), 'POST /repository/a/b/mirror/sync-now');
    assert.equal(path('mirror', 'cancel', 'a/b'), 'POST /repository/a/b/mirror/sync-cancel');
    assert.equal(path('mirror', 'runs', 'a/b', '--limit', '5'), 'GET /repository/a/b/mirror/runs?limit=5');
    assert.equal(path('robot', 'create', 'a+syncer', '--api-url', 'http://x'), 'PUT /organization/a/robots/syncer');
  });

  it('refuse bad usage: unknown verbs, malformed names, options of another verb', () => {
    assert.throws(() => parseApiArgs(['mirror', 'frobnicate', 'a/b']), /unknown command "mirror frobnicate"/);
    assert.throws(() => parseApiArgs(['mirror', 'get', 'a']), /namespace\/repository/);
    assert.throws(() => parseApiArgs(['robot', 'create', 'a/b']), /namespace\+name/);
    assert.throws(() => parseApiArgs(['mirror', 'get', 'a/b', '--robot', 'x+y']), /--robot does not apply/);
    assert.throws(() => parseApiArgs(['mirror', 'get', 'a/b', '--bogus']), UsageError);
  });
});
