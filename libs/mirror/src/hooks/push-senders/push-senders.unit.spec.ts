import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DISTRIBUTION_PUSH as DISTRIBUTION, DOCKER_HUB_PUSH as DOCKER_HUB, GITHUB_PACKAGE_PUBLISHED as GITHUB, HARBOR_PUSH as HARBOR, QUAY_PUSH as QUAY } from '@ferry/testing';
import { readPushDelivery } from './push-senders';

describe("each sender's documented push", () => {
  it('distribution: the tag pushed by manifest, not the blob, of the repository', () => {
    assert.deepEqual(readPushDelivery(DISTRIBUTION, {}), { sender: 'distribution', notices: [{ repository: 'library/test', tags: ['latest'], kind: 'push' }] });
  });
  it('Docker Hub: push_data.tag of repository.repo_name', () => {
    assert.deepEqual(readPushDelivery(DOCKER_HUB, {}), { sender: 'dockerhub', notices: [{ repository: 'svendowideit/testhook', tags: ['latest'], kind: 'push' }] });
  });
  it('Quay: updated_tags of repository', () => {
    assert.deepEqual(readPushDelivery(QUAY, {}), { sender: 'quay', notices: [{ repository: 'dgangaia/test', tags: ['latest'], kind: 'push' }] });
  });
  it("Quay's older form: updated_tags as an object of tag to image", () => {
    const older = { ...QUAY, updated_tags: { latest: 'b750fe79269d2ec9a3c593ef05b4332b1d1a02a62b4accb2c21d589ff2f5f2dc' } };
    assert.deepEqual(readPushDelivery(older, {})?.notices, [{ repository: 'dgangaia/test', tags: ['latest'], kind: 'push' }]);
  });
  it('Harbor: the resources\' tags of repo_full_name', () => {
    assert.deepEqual(readPushDelivery(HARBOR, {}), { sender: 'harbor', notices: [{ repository: 'test-webhook/debian', tags: ['latest'], kind: 'push' }] });
  });
  it('GitHub: the container tag of namespace/name, named by the X-GitHub-Event header', () => {
    assert.deepEqual(readPushDelivery(GITHUB, { 'x-github-event': 'package' }), { sender: 'github', notices: [{ repository: 'octo-org/hello-world', tags: ['v1.2.0'], kind: 'push' }] });
  });
});

describe('deliveries that push no tag', () => {
  it('a distribution pull, delete or push by digest names the repository and no tag', () => {
    const pull = { events: [{ action: 'pull', target: { repository: 'library/test', tag: 'latest' } }, { action: 'push', target: { repository: 'library/other', digest: 'sha256:ab' } }] };
    assert.deepEqual(readPushDelivery(pull, {})?.notices, [
      { repository: 'library/test', tags: [], kind: 'other' },
      { repository: 'library/other', tags: [], kind: 'other' },
    ]);
  });
  it("Harbor's other events (a pull) push nothing", () => {
    assert.deepEqual(readPushDelivery({ ...HARBOR, type: 'PULL_ARTIFACT' }, {})?.notices, [{ repository: 'test-webhook/debian', tags: [], kind: 'other' }]);
  });
  it("GitHub's ping and an update push nothing", () => {
    assert.deepEqual(readPushDelivery({ zen: 'Keep it logically awesome.', hook_id: 1 }, { 'x-github-event': 'ping' }), { sender: 'github', notices: [] });
    assert.deepEqual(readPushDelivery({ ...GITHUB, action: 'updated' }, { 'x-github-event': 'package' })?.notices, [{ repository: 'octo-org/hello-world', tags: [], kind: 'other' }]);
  });
  it('an unknown body is no sender at all', () => {
    assert.equal(readPushDelivery({ hello: 'world' }, {}), null);
    assert.equal(readPushDelivery('not an object', {}), null);
  });
  it('names that are no repository or tag are dropped, never passed on', () => {
    const hostile = { events: [{ action: 'push', target: { repository: '../../etc', tag: 'latest' } }, { action: 'push', target: { repository: 'ok/app', tag: 'bad tag\n' } }] };
    assert.deepEqual(readPushDelivery(hostile, {})?.notices, [{ repository: 'ok/app', tags: [], kind: 'other' }]);
  });
});
