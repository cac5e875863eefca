import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

describe('the runtime Ferry ships and tests on', () => {
  const version = read('.nvmrc').trim();
  const major = version.split('.')[0]!;
  const pkg = JSON.parse(read('package.json')) as { engines: { node: string }; scripts: Record<string, string>; devDependencies: Record<string, string> };

  it('is a Node.js LTS line (even major) named once in .nvmrc, and engines and @types/node agree with it', () => {
    assert.match(version, /^\d+\.\d+\.\d+$/);
    assert.equal(Number(major) % 2, 0, 'odd majors are never LTS');
    assert.match(pkg.engines.node, new RegExp(`^>=${major}\\.\\d+\\.\\d+ <${Number(major) + 1}$`));
    assert.match(pkg.devDependencies['@types/node']!, new RegExp(`^\\^${major}\\.`));
  });

  it('runs every npm script that starts node through scripts/node.sh, so none runs on the machine\'s own node', () => {
    for (const [name, script] of Object.entries(pkg.scripts)) {
      for (const command of script.split(/&&|;/).map((c) => c.trim().replace(/^exec /, ''))) {
        if (/(^|\s)node\s/.test(command) || command.startsWith('node ')) assert.match(command, /^sh scripts\/node\.sh /, `npm run ${name}: ${command}`);
      }
    }
  });

  it('is pinned, with the npm registry\'s integrity, for Linux on x64 and arm64', () => {
    const runtime = read('scripts/runtime.mjs');
    const pins = runtime.slice(runtime.indexOf(`'${version}': {`));
    for (const platform of ['linux-x64', 'linux-arm64']) assert.match(pins, new RegExp(`'${platform}': 'sha512-[A-Za-z0-9+/=]{88}'`), platform);
  });

  it('is the base of the image, which is built by npm run build and gets none of a checkout\'s installs, builds or state', () => {
    const dockerfile = read('deploy/Dockerfile');
    const bases = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    assert.ok(bases.length >= 2);
    for (const base of bases) assert.match(base!, new RegExp(`^node:${major}-`), base);
    assert.match(dockerfile, /RUN npm ci [^\n]*&& npm run build/);
    // The image, compose and Kubernetes start each service through scripts/service.sh, which gives
    // node the flags of services/node-flags.json (npm start and the tests read that file themselves).
    assert.match(dockerfile, /^CMD \["sh", "scripts\/service\.sh", "mirror-config"\]$/m);
    for (const manifest of ['deploy/compose.yaml', 'deploy/kubernetes/ferry.yaml']) {
      const commands = [...read(manifest).matchAll(/command: \[("node"|"sh")[^\]]*\]/g)].map((m) => m[0]);
      assert.deepEqual(commands.filter((c) => c.includes('"node"')), [], `${manifest} starts node without the flags`);
      assert.equal(commands.filter((c) => c.includes('scripts/service.sh')).length, 5, manifest);
    }
    assert.match(read('scripts/service.sh'), /services\/node-flags\.json/);
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim());
    for (const entry of ['**/node_modules', '**/dist', '.toolchain', '.ferry']) assert.ok(ignored.includes(entry), entry);
  });
});
