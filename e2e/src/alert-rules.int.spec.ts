import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCommand } from './commands';

const DEPLOY = join(__dirname, '..', '..', 'deploy');

async function promtool(args: string[]): Promise<string> {
  const { code, output } = await runCommand('promtool', args);
  assert.equal(code, 0, `promtool ${args.join(' ')}:\n${output}`);
  return output;
}

describe('the alert rules and the Prometheus configuration in deploy/', () => {
  it('pass promtool check rules', async () => {
    assert.match(await promtool(['check', 'rules', join(DEPLOY, 'prometheus', 'alerts.yml')]), /SUCCESS: 6 rules found/);
  });

  it('pass their unit tests (promtool test rules alerts.test.yml): each alert fires when it should and not before', async () => {
    assert.match(await promtool(['test', 'rules', join(DEPLOY, 'prometheus', 'alerts.test.yml')]), /SUCCESS/);
  });

  it('load as compose\'s Prometheus configuration, rules included', async () => {
    // (Debian's Prometheus is built without Kubernetes discovery, so deploy/kubernetes/prometheus.yml cannot be checked here.)
    assert.match(await promtool(['check', 'config', join(DEPLOY, 'prometheus', 'prometheus.yml')]), /SUCCESS: 6 rules found/);
  });
});
