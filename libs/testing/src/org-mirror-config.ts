import { globTagRule, type OrgMirrorConfig } from '@ferry/contracts';

/**
 * An organization mirror's settings for tests: `acme` mirrors the `team` namespace of a
 * distribution registry at 127.0.0.1:5001 with its robot `acme+mirror`, `v*` tags, hourly, from
 * 2026-01-01; `overrides` changes what a test is about.
 */
export function testOrgMirrorConfig(overrides: Partial<OrgMirrorConfig> = {}): OrgMirrorConfig {
  return {
    organization: 'acme',
    isEnabled: true,
    externalRegistryType: 'distribution',
    externalRegistryUrl: 'http://127.0.0.1:5001',
    externalNamespace: 'team',
    externalRegistryUsername: null,
    externalRegistryPassword: null,
    robotUsername: 'acme+mirror',
    visibility: 'private',
    syncInterval: 3600,
    syncStartDate: '2026-01-01T00:00:00.000Z',
    externalRegistryConfig: { verifyTls: true, unsignedImages: false, proxy: { httpProxy: null, httpsProxy: null, noProxy: null } },
    repositoryFilters: [],
    include: [],
    exclude: [],
    repositoryNameTemplate: '{namespace}/{flat_repository}',
    tagRule: globTagRule(['v*']),
    architectureFilter: [],
    skopeoTimeout: 300,
    vanished: { action: 'report', maxDelete: null },
    ...overrides,
  };
}
