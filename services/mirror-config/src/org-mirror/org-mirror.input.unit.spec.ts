import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { QUAY_VANISHED_POLICY } from '@ferry/contracts';
import { ALL_TAGS, externalNamespaceProblem, parseOrgMirrorInput, registryUrlProblem, type OrgMirrorDraft, type OrgMirrorInputResult } from './org-mirror.input';
import { DEFAULT_REPOSITORY_NAME_TEMPLATE, childMirrorConfig } from '@ferry/mirror';
import { generateKeyPairSync } from 'node:crypto';

/** Quay's create body, as its tests send it. */
const quay = {
  external_registry_type: 'harbor',
  external_registry_url: 'https://harbor.example.com',
  external_namespace: 'my-project',
  robot_username: 'acme+mirrorbot',
  visibility: 'private',
  sync_interval: 3600,
  sync_start_date: '2025-01-01T00:00:00Z',
};
const problems = (r: OrgMirrorInputResult) => (r.ok ? [] : r.problems);
const fields = (r: OrgMirrorInputResult) => problems(r).map((p) => p.field);
const created = (body: Record<string, unknown>): OrgMirrorDraft => {
  const r = parseOrgMirrorInput(body, 'acme', null);
  assert.ok(r.ok, JSON.stringify(problems(r)));
  return r.draft;
};

describe('an organization mirror body for POST', () => {
  it('takes Quay\'s body and fills Quay\'s defaults: enabled, skopeo_timeout 300, every repository, every tag, SKIP for what vanishes', () => {
    const draft = created(quay);
    assert.deepEqual(draft, {
      organization: 'acme',
      isEnabled: true,
      externalRegistryType: 'harbor',
      externalRegistryUrl: 'https://harbor.example.com',
      externalListingUrl: null,
      externalNamespace: 'my-project',
      externalRegistryUsername: null,
      robotUsername: 'acme+mirrorbot',
      visibility: 'private',
      syncInterval: 3600,
      syncStartDate: '2025-01-01T00:00:00.000Z',
      externalRegistryConfig: { verifyTls: true, unsignedImages: false, proxy: { httpProxy: null, httpsProxy: null, noProxy: null } },
      repositoryFilters: [],
      include: [],
      exclude: [],
      repositoryNameTemplate: DEFAULT_REPOSITORY_NAME_TEMPLATE,
      tagRule: ALL_TAGS,
      architectureFilter: [],
      skopeoTimeout: 300,
      vanished: QUAY_VANISHED_POLICY,
    });
  });

  it('takes Ferry\'s fields beside Quay\'s: tag_rule, architecture_filter, include/exclude, the name template, vanished with a cap', () => {
    const draft = created({
      ...quay,
      external_registry_type: 'distribution',
      external_namespace: '',
      external_registry_url: 'http://Registry.Example:5000/',
      repository_filters: ['app*', 'lib-?'],
      tag_rule: { include: [{ kind: 'semver', range: '>=1.2' }], exclude: [{ kind: 'glob', patterns: ['*-rc*'] }], keep_newest: { count: 3 } },
      architecture_filter: ['amd64', 'linux/arm64/v8', 'amd64'],
      include: [{ kind: 'regex', pattern: 'team/.*' }],
      exclude: [{ kind: 'glob', pattern: '*-old' }],
      repository_name_template: '{repository}',
      vanished: { action: 'delete', max_delete: '10%' },
      skopeo_timeout: 30,
      external_registry_username: 'puller',
      external_registry_password: 'pw',
      external_registry_config: { verify_tls: false, proxy: { https_proxy: 'http://proxy.example:3128' } },
    });
    assert.equal(draft.externalRegistryUrl, 'http://registry.example:5000', 'the registry\'s origin');
    assert.equal(draft.externalNamespace, '', 'the whole registry, for a distribution source');
    assert.deepEqual(draft.tagRule, { include: [{ kind: 'semver', range: '>=1.2' }], exclude: [{ kind: 'glob', patterns: ['*-rc*'] }], keepNewest: { count: 3, by: 'semver' } });
    assert.deepEqual(draft.architectureFilter, ['amd64', 'linux/arm64/v8']);
    assert.deepEqual(draft.include, [{ kind: 'regex', pattern: 'team/.*' }]);
    assert.deepEqual(draft.exclude, [{ kind: 'glob', pattern: '*-old' }]);
    assert.equal(draft.repositoryNameTemplate, '{repository}');
    assert.deepEqual(draft.vanished, { action: 'delete', maxDelete: { percent: 10 } });
    assert.deepEqual(draft.repositoryFilters, ['app*', 'lib-?']);
    assert.equal(draft.skopeoTimeout, 30);
    assert.equal(draft.externalRegistryConfig.verifyTls, false);
    assert.equal(draft.externalRegistryConfig.proxy.httpsProxy, 'http://proxy.example:3128');
    assert.equal(draft.externalRegistryUsername, 'puller');
  });

  it('accepts the dockerhub source type and a count as max_delete', () => {
    const draft = created({ ...quay, external_registry_type: 'dockerhub', external_registry_url: 'https://docker.io', external_namespace: 'library', vanished: { action: 'delete', max_delete: 5 } });
    assert.equal(draft.externalRegistryType, 'dockerhub');
    assert.deepEqual(draft.vanished.maxDelete, { count: 5 });
  });

  it('answers with the password to seal, never in the draft', () => {
    const r = parseOrgMirrorInput({ ...quay, external_registry_username: 'u', external_registry_password: 'secret' }, 'acme', null);
    assert.ok(r.ok);
    assert.deepEqual(r.password, { action: 'set', plaintext: 'secret' });
    assert.equal(JSON.stringify(r.draft).includes('secret'), false);
  });

  it('names every missing required field, as Quay\'s schema requires them', () => {
    assert.deepEqual(fields(parseOrgMirrorInput({}, 'acme', null)), [
      'external_registry_type',
      'external_registry_url',
      'external_namespace',
      'robot_username',
      'visibility',
      'sync_interval',
      'sync_start_date',
    ]);
    assert.ok(problems(parseOrgMirrorInput({}, 'acme', null)).every((p) => p.message === 'is required'));
  });

  it('speaks Quay\'s messages: the detail reads as Quay\'s error_message', () => {
    const detail = (body: Record<string, unknown>) => problems(parseOrgMirrorInput({ ...quay, ...body }, 'acme', null)).map((p) => `${p.field} ${p.message}`);
    assert.deepEqual(detail({ sync_interval: 30 }), ['sync_interval must be at least 60 seconds']);
    assert.deepEqual(detail({ skopeo_timeout: 10 }), ['skopeo_timeout must be between 30 and 3600 seconds']);
    assert.deepEqual(detail({ skopeo_timeout: 3601 }), ['skopeo_timeout must be between 30 and 3600 seconds']);
    assert.deepEqual(detail({ sync_start_date: '2025-01-01 00:00:00' }), ['sync_start_date has an invalid format. Use ISO 8601: YYYY-MM-DDTHH:MM:SSZ']);
    assert.match(detail({ robot_username: 'other+mirrorbot' })[0]!, /^robot_username Robot account must belong to the organization/);
    assert.match(detail({ external_registry_url: 'ftp://harbor.example.com' })[0]!, /scheme/);
  });

  const invalid: Array<[string, Record<string, unknown>, string]> = [
    ['an unknown registry type', { external_registry_type: 'gitlab' }, 'external_registry_type'],
    ['a registry type in capitals', { external_registry_type: 'HARBOR' }, 'external_registry_type'],
    ['a URL without a scheme', { external_registry_url: 'harbor.example.com' }, 'external_registry_url'],
    ['a URL with a path', { external_registry_url: 'https://harbor.example.com/api/v2.0' }, 'external_registry_url'],
    ['a URL with credentials', { external_registry_url: 'https://u:p@harbor.example.com' }, 'external_registry_url'],
    ['a URL with a query', { external_registry_url: 'https://harbor.example.com?x=1' }, 'external_registry_url'],
    ['a URL that is not one', { external_registry_url: 'not a url' }, 'external_registry_url'],
    ['a namespace that is not a string', { external_namespace: 7 }, 'external_namespace'],
    ['an empty namespace for harbor', { external_namespace: '' }, 'external_namespace'],
    ['a nested namespace for harbor', { external_namespace: 'a/b' }, 'external_namespace'],
    ['a namespace in capitals', { external_namespace: 'MyProject' }, 'external_namespace'],
    ['a namespace of 256 characters', { external_namespace: 'a'.repeat(256) }, 'external_namespace'],
    ['a robot without a namespace', { robot_username: 'mirrorbot' }, 'robot_username'],
    ['a robot of another organization', { robot_username: 'other+mirrorbot' }, 'robot_username'],
    ['an unknown visibility', { visibility: 'internal' }, 'visibility'],
    ['a fractional interval', { sync_interval: 90.5 }, 'sync_interval'],
    ['an interval as a string', { sync_interval: '3600' }, 'sync_interval'],
    ['an impossible start date', { sync_start_date: '2025-02-30T00:00:00Z' }, 'sync_start_date'],
    ['a non-boolean is_enabled', { is_enabled: 'yes' }, 'is_enabled'],
    ['a password without a username', { external_registry_password: 'pw' }, 'external_registry_password'],
    ['a username with a colon', { external_registry_username: 'a:b' }, 'external_registry_username'],
    ['a non-boolean verify_tls', { external_registry_config: { verify_tls: 'no' } }, 'external_registry_config.verify_tls'],
    ['a proxy that is not a URL', { external_registry_config: { proxy: { https_proxy: 'not a url' } } }, 'external_registry_config.proxy.https_proxy'],
    ['repository_filters that are not a list', { repository_filters: 'app*' }, 'repository_filters'],
    ['a repository filter that is not a string', { repository_filters: ['ok', 3] }, 'repository_filters[1]'],
    ['a fractional skopeo_timeout', { skopeo_timeout: 30.5 }, 'skopeo_timeout'],
    ['a bad tag rule', { tag_rule: { include: [{ kind: 'regex', pattern: '(a+)+$' }] } }, 'tag_rule.include[0].pattern'],
    ['a tag rule with no include', { tag_rule: { include: [] } }, 'tag_rule.include'],
    ['a bad architecture filter', { architecture_filter: ['AMD 64'] }, 'architecture_filter'],
    ['include that is not a list', { include: { kind: 'glob', pattern: 'a' } }, 'include'],
    ['an include of an unknown kind', { include: [{ kind: 'semver', pattern: 'a' }] }, 'include[0].kind'],
    ['an include without its pattern', { include: [{ kind: 'glob' }] }, 'include[0].pattern'],
    ['an include with an unknown field', { include: [{ kind: 'glob', pattern: 'a', flags: 'i' }] }, 'include[0].flags'],
    ['an exclude of an unknown kind', { exclude: [{ kind: 'prefix', pattern: 'a' }] }, 'exclude[0].kind'],
    ['a template that is not a string', { repository_name_template: 5 }, 'repository_name_template'],
    ['a template that names every repository alike', { repository_name_template: 'fixed' }, 'repository_name_template'],
    ['a template with an unknown token', { repository_name_template: '{repo}' }, 'repository_name_template'],
    ['a repository filter in capitals', { repository_filters: ['App*'] }, 'repository_filters[0]'],
    ['a catastrophic include regex', { include: [{ kind: 'regex', pattern: '(a+)+$' }] }, 'include[0].pattern'],
    ['an unclosed bracket in an exclude glob', { exclude: [{ kind: 'glob', pattern: 'a[' }] }, 'exclude[0].pattern'],
    ['an unknown vanished action', { vanished: { action: 'archive' } }, 'vanished.action'],
    ['a vanished cap above 100%', { vanished: { action: 'delete', max_delete: '150%' } }, 'vanished.max_delete'],
    ['a negative vanished cap', { vanished: { action: 'delete', max_delete: -1 } }, 'vanished.max_delete'],
    ['an unknown field of vanished', { vanished: { action: 'delete', cap: 3 } }, 'vanished.cap'],
    ['vanished as a string', { vanished: 'delete' }, 'vanished'],
  ];
  for (const [what, body, field] of invalid) {
    it(`refuses ${what}, naming ${field}`, () => {
      const r = parseOrgMirrorInput({ ...quay, ...body }, 'acme', null);
      assert.deepEqual(fields(r), [field], JSON.stringify(problems(r)));
    });
  }

  it('names every bad field at once, in the body\'s order', () => {
    const r = parseOrgMirrorInput({ ...quay, vanished: { action: 'x' }, sync_interval: 1, external_registry_type: 'x', include: [{ kind: 'x', pattern: 'a' }] }, 'acme', null);
    assert.deepEqual(fields(r), ['external_registry_type', 'sync_interval', 'include[0].kind', 'vanished.action']);
  });

  it('refuses what is not a JSON object', () => {
    for (const body of [null, [], 'x', 3]) assert.equal(parseOrgMirrorInput(body, 'acme', null).ok, false);
  });

  it('ignores (and names) the fields it does not know, and the read-only fields GET shows', () => {
    const r = parseOrgMirrorInput({ ...quay, colour: 'blue', sync_status: 'SUCCESS', repo_sync_status_counts: {}, has_external_registry_password: false }, 'acme', null);
    assert.ok(r.ok);
    assert.deepEqual(r.ignored, ['colour']);
  });
});

describe('an organization mirror body for PUT', () => {
  const base = created({ ...quay, external_registry_username: 'puller', vanished: { action: 'delete', max_delete: 3 }, include: [{ kind: 'glob', pattern: 'a*' }] });

  it('keeps what is left out, and changes what is sent', () => {
    const r = parseOrgMirrorInput({ sync_interval: 7200, is_enabled: false, vanished: { action: 'report' } }, 'acme', base, true);
    assert.ok(r.ok);
    assert.deepEqual(r.draft, { ...base, syncInterval: 7200, isEnabled: false, vanished: { action: 'report', maxDelete: { count: 3 } } });
    assert.deepEqual(r.password, { action: 'keep' });
  });

  it('takes null as Ferry\'s default for Ferry\'s fields, and "" or null as no credentials (Quay)', () => {
    const r = parseOrgMirrorInput({ include: null, tag_rule: null, vanished: null, repository_name_template: null, external_registry_username: '' }, 'acme', base, true);
    assert.ok(r.ok);
    assert.deepEqual(r.draft.include, []);
    assert.deepEqual(r.draft.tagRule, ALL_TAGS);
    assert.deepEqual(r.draft.vanished, QUAY_VANISHED_POLICY);
    assert.equal(r.draft.repositoryNameTemplate, DEFAULT_REPOSITORY_NAME_TEMPLATE);
    assert.equal(r.draft.externalRegistryUsername, null);
    assert.deepEqual(r.password, { action: 'clear' }, 'no user name, no password');
  });

  it('accepts the body GET answered, sent back whole', () => {
    const r = parseOrgMirrorInput({ ...quay, sync_status: 'SUCCESS', creation_date: '2025-01-01T00:00:00Z', last_discovery: null, current_discovery_id: null }, 'acme', base, true);
    assert.ok(r.ok, JSON.stringify(problems(r)));
  });

  it('refuses a change of the source type (Quay\'s rule), and takes the same type again', () => {
    assert.deepEqual(fields(parseOrgMirrorInput({ external_registry_type: 'quay' }, 'acme', base)), ['external_registry_type']);
    assert.ok(parseOrgMirrorInput({ external_registry_type: 'harbor' }, 'acme', base).ok);
  });

  it('checks a new namespace against the stored source type', () => {
    assert.deepEqual(fields(parseOrgMirrorInput({ external_namespace: '' }, 'acme', base)), ['external_namespace']);
  });
});

describe('the source registry\'s URL and namespace', () => {
  it('take an https or http origin, with a port, an IPv6 literal', () => {
    for (const url of ['https://quay.io', 'http://127.0.0.1:5000', 'https://[::1]:5000', 'https://harbor.example.com/']) assert.equal(registryUrlProblem(url), undefined, url);
  });

  it('take a nested path or the whole registry only from a distribution catalog', () => {
    assert.equal(externalNamespaceProblem('distribution', 'org/team'), undefined);
    assert.equal(externalNamespaceProblem('distribution', ''), undefined);
    assert.match(externalNamespaceProblem('quay', '')!, /required/);
    assert.match(externalNamespaceProblem('dockerhub', 'org/team')!, /one lowercase name/);
  });
});

describe('an organization mirror\'s trust policy', () => {
  const pem = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
  it('takes signature_policy verify with a trust policy, which each discovered repository\'s mirror follows', () => {
    const draft = created({ ...quay, signature_policy: 'verify', trust_policy: { keys: [{ name: 'release', pem }], min_signatures: 1 } });
    assert.equal(draft.signaturePolicy, 'verify');
    assert.equal(draft.trustPolicy?.keys[0]?.algorithm, 'ed25519');
    const child = childMirrorConfig({ ...draft, externalRegistryPassword: null }, { repository: 'app', upstream: 'app', syncStartDate: '2026-01-01T00:00:00.000Z' });
    assert.equal(child.signaturePolicy, 'verify');
    assert.equal(child.trustPolicy?.version, draft.trustPolicy?.version);
  });
  it('names the field of a policy it cannot use, and needs one with verify', () => {
    assert.deepEqual(fields(parseOrgMirrorInput({ ...quay, signature_policy: 'verify', trust_policy: { keys: [{ pem: 'not pem' }] } }, 'acme', null)), ['trust_policy.keys[0].pem']);
    assert.deepEqual(fields(parseOrgMirrorInput({ ...quay, signature_policy: 'verify' }, 'acme', null)), ['trust_policy']);
  });
});
