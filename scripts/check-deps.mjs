// Each package's imports against its manifest: what shipped code imports is in `dependencies`, what
// only specs import is in either list (a `@ferry/*` one in `devDependencies`), every declared
// `@ferry/*` is imported, and tsconfig.json references the `@ferry/*` packages it compiles against
// and no other. `npm test` runs it before the tiers; it prints each drift and exits 1.
import { builtinModules } from 'node:module';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '../..');
// `import/export ... from 'x'`, `import 'x'`, `import('x')`; or `require.resolve('x')`: a package found
// at run time (its files, not its code), which a tsconfig reference may build first.
const IMPORT = /(?:\bfrom\s+|\bimport\s*\(?\s*)['"]([@\w][\w@./-]*)['"]|\brequire\.resolve\(\s*['"]([@\w][\w@./-]*)['"]/g;
const json = (file) => JSON.parse(readFileSync(file, 'utf8'));
const sources = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : /(?<!\.d)\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));
const packages = ['libs', 'services']
  .flatMap((d) => readdirSync(join(root, d)).map((n) => join(root, d, n)))
  .concat(join(root, 'e2e'))
  .filter((d) => existsSync(join(d, 'package.json')) && existsSync(join(d, 'src')));
const dirOf = new Map(packages.map((d) => [json(join(d, 'package.json')).name, d]));
const atRoot = new Set(Object.keys(json(join(root, 'package.json')).devDependencies));

const problems = [];
for (const dir of packages) {
  const { name: self, main, exports, dependencies = {}, devDependencies = {} } = json(join(dir, 'package.json'));
  const where = relative(root, dir);
  const [deps, devDeps] = [new Set(Object.keys(dependencies)), new Set(Object.keys(devDependencies))];
  const [shipped, compiled, all] = [new Set(), new Set(), new Set()];
  for (const file of sources(join(dir, 'src'))) {
    for (const [, imported, resolved] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const path = imported ?? resolved;
      const name = path.split('/').slice(0, path.startsWith('@') ? 2 : 1).join('/');
      if (path.startsWith('node:') || builtinModules.includes(name) || name === self) continue;
      if (name.startsWith('@ferry/') && path.includes('/dist/')) problems.push(`${relative(root, file)} imports ${path}: import ${name}'s entry point`);
      all.add(name);
      if (imported) compiled.add(name);
      if (!/\.spec\.tsx?$/.test(file)) shipped.add(name);
    }
  }
  // The web console (bundled) and the e2e suite are no runtime package: either list does for them.
  const runtime = Boolean(main || exports);
  for (const name of all) {
    if (runtime && shipped.has(name) && !deps.has(name)) problems.push(`${where}: shipped code imports ${name}, which is not in dependencies`);
    else if (!deps.has(name) && !devDeps.has(name) && !(atRoot.has(name) && !name.startsWith('@ferry/'))) problems.push(`${where}: imports ${name}, which package.json does not declare`);
    else if (runtime && !shipped.has(name) && name.startsWith('@ferry/') && deps.has(name)) problems.push(`${where}: only specs import ${name}: move it to devDependencies`);
  }
  for (const name of [...deps, ...devDeps]) if (name.startsWith('@ferry/') && !all.has(name)) problems.push(`${where}: declares ${name} but imports nothing of it`);
  const referenced = (json(join(dir, 'tsconfig.json')).references ?? []).map((r) => resolve(dir, r.path));
  const dirsOf = (names) => [...names].filter((n) => dirOf.has(n)).map((n) => dirOf.get(n));
  for (const d of dirsOf(compiled)) if (!referenced.includes(d)) problems.push(`${where}: tsconfig.json has no reference to ${relative(root, d)}, which it imports`);
  for (const d of new Set(referenced)) if (!dirsOf(all).includes(d)) problems.push(`${where}: tsconfig.json references ${relative(root, d)}, which it does not import`);
  if (new Set(referenced).size < referenced.length) problems.push(`${where}: tsconfig.json lists a reference twice`);
}
if (problems.length) {
  console.error(`ferry: package manifests do not match the imports (scripts/check-deps.mjs):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
