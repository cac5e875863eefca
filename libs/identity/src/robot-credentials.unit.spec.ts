import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { robotCredentials } from './robot-credentials';

describe('a robot\'s credentials ("View Credentials")', () => {
  it('writes the token as a docker login, a config.json and a Kubernetes pull secret holding that config', () => {
    const c = robotCredentials('quay.example:8443', 'Acme+ci_bot', 'ferry_rbt_x');
    assert.equal(c.docker_login, "docker login -u='Acme+ci_bot' -p='ferry_rbt_x' quay.example:8443");
    assert.deepEqual(c.docker_config, { auths: { 'quay.example:8443': { auth: Buffer.from('Acme+ci_bot:ferry_rbt_x').toString('base64'), email: '' } } });
    assert.equal(c.kubernetes_secret.metadata.name, 'acme-ci-bot-pull-secret');
    assert.equal(c.kubernetes_secret.type, 'kubernetes.io/dockerconfigjson');
    assert.deepEqual(JSON.parse(Buffer.from(c.kubernetes_secret.data['.dockerconfigjson'], 'base64').toString()), c.docker_config);
  });
});
