import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connectionWords, isProxyCache, proxyCacheBodyOf, proxyCacheDraft, proxyCacheSentences, pulledThroughSentence } from './proxy-cache';

describe('the Proxy cache tab', () => {
  it('sends Quay\'s body with Ferry\'s stale bound, no credentials or promotion rule unless given', () => {
    const body = proxyCacheBodyOf({ ...proxyCacheDraft(), upstream: ' docker.io/library ' });
    assert.deepEqual(body, { upstream_registry: 'docker.io/library', expiration_s: 86400, stale_bound_s: 604800, insecure: false });
  });

  it('sends the credentials as typed and the promotion rule when ticked; a bad number goes as typed for the API to name', () => {
    const body = proxyCacheBodyOf({ ...proxyCacheDraft(), upstream: 'quay.io/x', username: ' me ', password: ' p w ', expiration: '2', expirationUnit: 'hours', promote: true, minPulls: '5', days: 'a week', robot: 'hub+syncer', keepNewest: '3' });
    assert.equal(body.upstream_registry_username, 'me');
    assert.equal(body.upstream_registry_password, ' p w ');
    assert.equal(body.expiration_s, 7200);
    assert.deepEqual(body.promotion_rule, { min_pulls: 5, days: 'a week', robot_username: 'hub+syncer', keep_newest: 3 });
  });

  it('tells an organization that is not a proxy cache by Quay\'s empty strings', () => {
    assert.equal(isProxyCache({ upstream_registry: '', expiration_s: '', insecure: '', stale_bound_s: '', promotion_rule: null }), false);
    assert.equal(isProxyCache({ upstream_registry: 'docker.io', expiration_s: 60, insecure: false, stale_bound_s: 60, promotion_rule: null }), true);
  });

  it('reads the settings in sentences', () => {
    const sentences = proxyCacheSentences('hub', { upstream_registry: 'docker.io/library', expiration_s: 86400, insecure: true, stale_bound_s: 3600, promotion_rule: { min_pulls: 10, days: 1, robot_username: 'hub+syncer', keep_newest: 5 } });
    assert.match(sentences[0], /^Pulling hub\/<name> through the registry front fetches <name> from docker.io\/library over plain HTTP/);
    assert.ok(sentences.some((s) => s.includes('pulled 10 times within 1 day becomes a scheduled mirror, written by hub+syncer, keeping the newest 5 tags')));
    assert.ok(proxyCacheSentences('hub', { upstream_registry: 'x', expiration_s: 1, insecure: false, stale_bound_s: 1, promotion_rule: null }).includes('Repositories become mirrors only when you promote them.'));
  });

  it('says what a test of the connection found', () => {
    assert.equal(connectionWords('Valid').variant, 'success');
    assert.equal(connectionWords('Anonymous').variant, 'warning');
  });
});

describe('what was pulled through, in sentences with units', () => {
  it('gives the settings\' durations and a fill\'s size in units, and any other sentence as the API wrote it', () => {
    assert.equal(
      pulledThroughSentence({ kind: 'ProxyCacheCreated', metadata: { organization: 'hub', config: { upstreamRegistry: 'docker.io/library', expirationS: 7200, staleBoundS: 604800 } }, description: 'x' }),
      'hub became a proxy cache of docker.io/library: tags are re-checked after 2 h and served stale for up to 7 d past that.',
    );
    assert.equal(pulledThroughSentence({ kind: 'ProxyCacheFilled', metadata: { size: 2048 }, description: 'hub/alpine:3 was fetched from docker.io and stored (2048 bytes).' }), 'hub/alpine:3 was fetched from docker.io and stored (2.0 KiB).');
    assert.equal(pulledThroughSentence({ kind: 'ProxyCacheDeleted', metadata: {}, description: 'hub is no longer a proxy cache; what it cached stays.' }), 'hub is no longer a proxy cache; what it cached stays.');
  });
});
