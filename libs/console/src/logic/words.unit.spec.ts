import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { absoluteHookUrl, registryConfigSnippet } from './hooks';
import { logSentence, NOISY_KINDS } from './log-sentences';
import { previewWords } from './preview';
import { expiryOf } from './tokens';
import { humanize, mirrorStatusWords, runHeading, runStatusWords, tagResultWords, triggerWords } from './words';

const entry = (kind: string, metadata: unknown, description?: string) => ({ kind, metadata, description, performer: null });

describe('the console writes codes as words', () => {
  it('names every status, trigger and result in words with a tone, never the code', () => {
    assert.deepEqual(mirrorStatusWords('NEVER_RUN'), { text: 'Not synced yet', tone: 'neutral' });
    assert.deepEqual(mirrorStatusWords('SUCCESS'), { text: 'Synced', tone: 'success' });
    assert.deepEqual(mirrorStatusWords('FAIL'), { text: 'Failed', tone: 'danger' });
    assert.equal(mirrorStatusWords('SUCCESS', false).text, 'Disabled');
    assert.equal(mirrorStatusWords('SKIP').text, 'Gone upstream');
    assert.equal(mirrorStatusWords('SOMETHING_NEW').text, 'Something new');
    assert.equal(runStatusWords('scheduled').text, 'Waiting to start');
    assert.equal(triggerWords('sync_now'), 'Sync now');
    assert.equal(triggerWords('push'), 'Upstream push');
    assert.equal(tagResultWords('rolled_back').text, 'Rolled back');
    assert.equal(humanize('TLS_VERIFICATION_FAILED'), 'Tls verification failed');
  });

  it('heads a run by its trigger and time, not its id', () => {
    const at = (iso: string | null) => `at ${iso}`;
    assert.equal(runHeading({ trigger: 'sync_now', started_at: '2026-12-07T10:00:00Z', scheduled_at: '2026-12-07T09:59:00Z' }, at), 'Sync now run of at 2026-12-07T10:00:00Z');
    assert.equal(runHeading({ trigger: 'schedule', started_at: null, scheduled_at: '2026-12-07T09:59:00Z' }, at), 'Scheduled run of at 2026-12-07T09:59:00Z');
  });
});

describe('usage logs in sentences', () => {
  it('says each kind in one sentence from its fields, with units', () => {
    assert.equal(logSentence(entry('MirrorTagSynced', { tag: 'v1', bytesCopied: 1536, unchanged: false })), 'Tag v1 was copied (1.5 KiB).');
    assert.equal(logSentence(entry('MirrorTagSynced', { tag: 'v1', bytesCopied: 0, unchanged: true })), 'Tag v1 was already up to date.');
    assert.equal(
      logSentence(entry('MirrorSucceeded', { summary: { tagsCopied: 2, tagsUnchanged: 1, tagsFailed: 0, tagsDeleted: 0, bytesCopied: 2048 } })),
      'The run succeeded: 2 tags copied, 1 unchanged (2.0 KiB).',
    );
    assert.equal(
      logSentence(entry('MirrorFailed', { error: { code: 'UNAUTHORIZED', message: 'the upstream refused the login' }, retryable: true, retriesRemaining: 2, summary: null })),
      'The run failed: the upstream refused the login (retried, 2 left); nothing was done.',
    );
    assert.equal(logSentence(entry('MirrorRunScheduled', { trigger: 'sync_now' })), 'A run was scheduled (sync now).');
    assert.equal(
      logSentence(entry('RegistryTokenIssued', { subject: 'web+syncer', namespace: 'web', repository: 'app', granted: ['pull', 'push'], refused: [] })),
      'web+syncer was given a registry token for web/app (may pull, push).',
    );
    assert.equal(logSentence(entry('PermissionGranted', { principal: { name: 'web+syncer' }, role: 'write', resource: { kind: 'repository', namespace: 'web', repository: 'app' } })), 'web+syncer was given write on repository web/app.');
  });

  it('prefers the API\'s own sentence, reads an unknown kind as words, and never throws on odd fields', () => {
    assert.equal(logSentence(entry('OrgDiscoveryStarted', {}, 'Discovery x was started by w.')), 'Discovery x was started by w.');
    assert.equal(logSentence(entry('SomethingNewHappened', {})), 'Something new happened.');
    assert.equal(logSentence(entry('MirrorTagFailed', null)), 'Tag ? could not be copied: no reason given.');
    assert.ok(NOISY_KINDS.has('RegistryTokenIssued'));
  });
});

describe('forms that help', () => {
  it('writes a preview as one sentence, naming a refused deletion', () => {
    const p = { tags_matched: 3, totals: { copy: 2, unchanged: 1, failing: 0, delete: 0, bytes: 2048 }, tag_deletion: { refused: null } };
    assert.equal(previewWords(p), '3 tags match: copy 2 tags (2.0 KiB), leave 1 unchanged.');
    assert.match(previewWords({ ...p, totals: { ...p.totals, delete: 5 }, tag_deletion: { refused: { would_delete: 5, allowed: 1 } } }), /delete 5\. Deleting 5 is more than the 1 allowed/);
  });

  it('gives a token expiry as a time so many days on, or none', () => {
    const now = new Date('2026-12-07T12:00:00Z');
    assert.equal(expiryOf('30', now), '2027-01-06T12:00:00.000Z');
    assert.equal(expiryOf('never', now), null);
  });

  it('writes the docker-registry notifications section with the hook\'s address and secret', () => {
    const yaml = registryConfigSnippet('https://ferry/api/v1/hooks/h1', 's3cret', 'bearer');
    assert.match(yaml, /url: https:\/\/ferry\/api\/v1\/hooks\/h1/);
    assert.match(yaml, /Authorization: \[Bearer s3cret\]/);
    assert.match(registryConfigSnippet('https://x', 'k', 'hmac-sha256'), /Secret: k/);
    assert.equal(absoluteHookUrl('/api/v1/hooks/h1', 'https://ferry.example'), 'https://ferry.example/api/v1/hooks/h1');
    assert.equal(absoluteHookUrl('https://ferry/api/v1/hooks/h1', 'https://other'), 'https://ferry/api/v1/hooks/h1');
  });
});
