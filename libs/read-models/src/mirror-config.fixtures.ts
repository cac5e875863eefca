import { globTagRule, type MirrorConfig, type RunSummary } from '@ferry/contracts';

/** A mirror's settings and a run's summary for the read models' specs. */
export const testMirrorConfig: MirrorConfig = {
  namespace: 'ns',
  repository: 'repo',
  isEnabled: true,
  externalReference: 'registry.example/ns/repo',
  externalRegistryUsername: null,
  externalRegistryPassword: null,
  robotUsername: 'ns+bot',
  tagRule: globTagRule(['v3.*']),
  syncStartDate: '2026-01-01T00:00:00.000Z',
  syncInterval: 3600,
  externalRegistryConfig: { verifyTls: true, unsignedImages: false, proxy: { httpProxy: null, httpsProxy: null, noProxy: null } },
  architectureFilter: [],
  skopeoTimeoutInterval: 300,
};

export const testRunSummary: RunSummary = { startedAt: null, tagsMatched: ['v3.1'], tagsCopied: 1, tagsUnchanged: 0, tagsDeleted: 1, tagsFailed: 0, bytesCopied: 42 };
