import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const FERRY = join(__dirname, 'ferry.js');

interface Loaded {
  status: number | null;
  /** The files it required. */
  modules: string[];
  /** Node's own modules it loaded (`NativeModule http2`). */
  builtins: string[];
}

/** Runs `ferry ...argv` in a fresh process and answers what it loaded by the time it exited. */
function loadedBy(argv: string[]): Promise<Loaded> {
  const script = `process.on('exit', () => require('node:fs').writeSync(3, JSON.stringify({ modules: Object.keys(require.cache), builtins: process.moduleLoadList })));
process.argv = [process.argv[0], ${JSON.stringify(FERRY)}, ...${JSON.stringify(argv)}];
require(${JSON.stringify(FERRY)});`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let report = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdio[3]!.on('data', (d: Buffer) => (report += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => (report ? resolve({ status, ...(JSON.parse(report) as Omit<Loaded, 'status'>) }) : reject(new Error(`no module list: ${stderr}`))));
  });
}

const hasPackage = (modules: string[], pkg: string) => modules.some((m) => m.includes(`/node_modules/${pkg}/`));

// Every no-op re-sync pays for what `ferry sync` loads before its first request; zod alone cost
// ~75 ms of a 0.42 s layered no-op when the tag rules carried their API schemas.
describe('ferry sync, as it starts', () => {
  it('loads the engine and what its tag rule needs, but not zod', async () => {
    const { status, modules } = await loadedBy(['sync', 'docker.io/library/nginx', 'no-slash', '--tags-semver', '>=1.27', '--tags-regex', 'v.*', '--exclude', '*-rc*', '--keep-newest', '2']);
    assert.equal(status, 2, 'the rule is read, then the target refused as bad usage, before any request');
    assert.ok(modules.some((m) => m.includes('/libs/sync-engine/dist/')), 'the engine is loaded');
    assert.ok(hasPackage(modules, 'semver'), 'the semver selector was checked');
    assert.equal(hasPackage(modules, 'zod'), false, modules.filter((m) => m.includes('/zod/')).slice(0, 3).join('\n'));
    assert.equal(modules.some((m) => m.includes('/libs/cli/dist/api/')), false, 'none of the API verbs\' modules');
  });

  it('talks HTTP/1.1 to a registry without loading node:http2', async () => {
    // A registry that knows no repository: the run ends at its first listing.
    const registry = createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }] }));
    });
    await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
    try {
      const host = `127.0.0.1:${(registry.address() as AddressInfo).port}`;
      const { status, modules, builtins } = await loadedBy(['sync', `${host}/a/app`, `${host}/b/app`, '--tags', '*', '--src-tls-verify=false', '--dest-tls-verify=false']);
      assert.equal(status, 1, 'the run failed on the listing');
      assert.ok(modules.some((m) => m.includes('/undici/lib/dispatcher/client-h1.js')), 'undici spoke HTTP/1.1');
      assert.deepEqual(builtins.filter((b) => /http2/.test(b)), []);
      assert.equal(hasPackage(modules, 'zod'), false);
    } finally {
      registry.close();
    }
  });
});

describe('the API verbs, as they start', () => {
  it('load neither the engine nor zod', async () => {
    const { status, modules } = await loadedBy(['mirror', 'get']);
    assert.equal(status, 2);
    assert.ok(modules.some((m) => m.includes('/libs/cli/dist/api/api-args.js')));
    assert.equal(modules.some((m) => m.includes('/libs/sync-engine/')), false);
    assert.equal(hasPackage(modules, 'zod'), false);
  });
});
