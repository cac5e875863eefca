import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const FERRY = join(__dirname, 'ferry.js');

/** Runs `ferry ...argv` in a fresh process and answers every module it loaded, as paths. */
function modulesLoadedBy(argv: string[]): { status: number | null; modules: string[] } {
  const script = `process.on('exit', () => require('node:fs').writeSync(3, JSON.stringify(Object.keys(require.cache))));
process.argv = [process.argv[0], ${JSON.stringify(FERRY)}, ...${JSON.stringify(argv)}];
require(${JSON.stringify(FERRY)});`;
  const child = spawnSync(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const out = child.output[3] as string;
  assert.ok(out, `no module list: ${child.stderr}`);
  return { status: child.status, modules: JSON.parse(out) as string[] };
}

const loaded = (modules: string[], pkg: string) => modules.some((m) => m.includes(`/node_modules/${pkg}/`));

// Every no-op re-sync pays for what `ferry sync` loads before its first request; zod alone cost
// ~75 ms of a 0.42 s layered no-op when the tag rules carried their API schemas.
describe('ferry sync, as it starts', () => {
  it('loads the engine and what its tag rule needs, but not zod', () => {
    const { status, modules } = modulesLoadedBy(['sync', 'docker.io/library/nginx', 'no-slash', '--tags-semver', '>=1.27', '--tags-regex', 'v.*', '--exclude', '*-rc*', '--keep-newest', '2']);
    assert.equal(status, 2, 'the rule is read, then the target refused as bad usage, before any request');
    assert.ok(modules.some((m) => m.includes('/libs/sync-engine/dist/')), 'the engine is loaded');
    assert.ok(loaded(modules, 'semver'), 'the semver selector was checked');
    assert.equal(loaded(modules, 'zod'), false, modules.filter((m) => m.includes('/zod/')).slice(0, 3).join('\n'));
    assert.equal(modules.some((m) => m.includes('/libs/cli/dist/api/')), false, 'none of the API verbs\' modules');
  });
});

describe('the API verbs, as they start', () => {
  it('load neither the engine nor zod', () => {
    const { status, modules } = modulesLoadedBy(['mirror', 'get']);
    assert.equal(status, 2);
    assert.ok(modules.some((m) => m.includes('/libs/cli/dist/api/api-args.js')));
    assert.equal(modules.some((m) => m.includes('/libs/sync-engine/')), false);
    assert.equal(loaded(modules, 'zod'), false);
  });
});
