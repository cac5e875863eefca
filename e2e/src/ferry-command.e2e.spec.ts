import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCommand } from './commands';

const ROOT = resolve(__dirname, '..', '..');

/** The README's `ferry` is one command with subcommands, put on the PATH by npm as a user would. */
describe('the ferry command', () => {
  const prefix = mkdtempSync(join(tmpdir(), 'ferry-global-'));
  const env = { PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}`, HOME: prefix, npm_config_update_notifier: 'false' };
  after(() => rmSync(prefix, { recursive: true, force: true }));

  it('is installed by npm install -g, and answers both the API verbs and sync', async () => {
    const installed = await runCommand('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', './libs/cli'], { cwd: ROOT, env });
    assert.equal(installed.code, 0, installed.output);
    const help = await runCommand('ferry', ['--help'], { cwd: prefix, env });
    assert.equal(help.code, 0, help.output);
    assert.match(help.output, /ferry mirror preview <ns\/repo>/);
    const sync = await runCommand('ferry', ['sync', '--help'], { cwd: prefix, env });
    assert.equal(sync.code, 0, sync.output);
    assert.match(sync.output, /--dry-run/);
  });

  it('runs through npx inside the checkout', async () => {
    const help = await runCommand('npx', ['--no-install', 'ferry', 'sync', '--help'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: prefix } });
    assert.equal(help.code, 0, help.output);
    assert.match(help.output, /--delete/);
  });
});
