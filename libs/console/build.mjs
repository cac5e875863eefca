// Bundles the web console (React and PatternFly) into dist/public: index.html, and assets/ with
// content-hashed names, which mirror-config serves at / (`npm start`, `npm test` and `npm run
// build` run this after tsc has type-checked the sources). esbuild takes about a second.
import { build } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist', 'public');
/** Files of earlier builds are kept this long, for pages that loaded them (the names differ by content). */
const KEEP_OLD_ASSETS_MS = 60 * 60 * 1000;

/**
 * Builds in place without a moment where the console is missing, since a running mirror-config
 * may serve it meanwhile: new assets beside the old ones, then index.html replaced atomically
 * (a rename), then assets of earlier builds that are an hour old go.
 */
export async function buildConsole() {
  mkdirSync(join(out, 'assets'), { recursive: true });
  const result = await build({
    entryPoints: { console: join(here, 'src', 'main.tsx') },
    bundle: true,
    minify: true,
    sourcemap: 'linked',
    format: 'esm',
    target: ['chrome120', 'firefox120', 'safari17'],
    outdir: join(out, 'assets'),
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.svg': 'file', '.png': 'file', '.jpg': 'file' },
    define: { 'process.env.NODE_ENV': '"production"' },
    metafile: true,
    logLevel: 'warning',
    legalComments: 'linked',
  });
  const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
  const script = outputs.find((n) => /^console-.*\.js$/.test(n));
  const style = outputs.find((n) => /^console-.*\.css$/.test(n));
  const html = readFileSync(join(here, 'src', 'index.html'), 'utf8')
    .replace('%SCRIPT%', `/assets/${script}`)
    .replace('%STYLE%', `/assets/${style}`);
  writeFileSync(join(out, 'index.html.next'), html);
  renameSync(join(out, 'index.html.next'), join(out, 'index.html'));
  const current = new Set(outputs);
  for (const name of readdirSync(join(out, 'assets'))) {
    const file = join(out, 'assets', name);
    if (!current.has(name) && Date.now() - statSync(file).mtimeMs > KEEP_OLD_ASSETS_MS) rmSync(file, { force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildConsole();
