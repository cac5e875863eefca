// One-off: writes package.json + tsconfig.json for each workspace package.
import { writeFileSync } from 'node:fs';
const V = {
  nats: { '@nats-io/transport-node': '3.3.0', '@nats-io/jetstream': '3.3.0' },
  nest: { '@nestjs/common': '12.5.1', '@nestjs/core': '12.5.1', '@nestjs/platform-express': '12.5.1', '@nestjs/microservices': '12.1.1', 'reflect-metadata': '0.2.2', rxjs: '7.8.2' },
  orm: { typeorm: '1.1.1', pg: '8.23.1' },
  otel: { '@opentelemetry/api': '1.9.0', '@opentelemetry/sdk-node': '0.223.0', '@opentelemetry/exporter-trace-otlp-http': '0.223.0', '@opentelemetry/sdk-trace-base': '^2.0.0', '@opentelemetry/resources': '^2.0.0' },
};
const ws = (...n) => Object.fromEntries(n.map((x) => [`@ferry/${x}`, '*']));
const pkgs = {
  'libs/contracts': { deps: {}, refs: [] },
  'libs/secrets': { deps: {}, refs: [] },
  'libs/telemetry': { deps: { ...V.otel }, refs: [] },
  'libs/event-store': { deps: { ...V.nats, '@opentelemetry/api': '1.9.0', ...ws('contracts') }, refs: ['contracts'] },
  'libs/mirror': { deps: { picomatch: "4.0.7", ...ws('contracts') }, refs: ['contracts'] },
  'libs/read-models': { deps: { ...V.orm, ...ws('contracts', 'event-store') }, refs: ['contracts', 'event-store'] },
  'libs/registry-client': { deps: { undici: '7.30.2' }, refs: [] },
  'libs/sync-engine': { deps: { undici: '7.30.2', ...ws('registry-client', 'mirror', 'contracts') }, refs: ['registry-client', 'mirror', 'contracts'] },
  'libs/notifications': { deps: { undici: '7.30.2', ...ws('contracts') }, refs: ['contracts'] },
  'libs/testing': { deps: { pg: '8.23.1', ...V.nats, undici: '7.30.2', ...ws('contracts') }, refs: ['contracts'] },
};
const svc = ['mirror-config', 'scheduler', 'sync-worker', 'notifier'];
for (const s of svc) pkgs[`services/${s}`] = { deps: { ...V.nest, ...ws('contracts', 'event-store', 'read-models', 'mirror', 'secrets', 'telemetry') }, refs: ['contracts', 'event-store', 'read-models', 'mirror', 'secrets', 'telemetry'], service: true };
pkgs['services/sync-worker'].deps['@ferry/sync-engine'] = '*'; pkgs['services/sync-worker'].refs.push('sync-engine');
pkgs['services/notifier'].deps['@ferry/notifications'] = '*'; pkgs['services/notifier'].refs.push('notifications');
pkgs['e2e'] = { deps: { ...ws('contracts', 'testing') }, refs: ['contracts', 'testing'], e2e: true };
for (const [dir, p] of Object.entries(pkgs)) {
  const name = dir.split('/').pop();
  const pj = { name: p.e2e ? '@ferry/e2e' : `@ferry/${name}`, version: '0.1.0', private: true, main: 'dist/index.js', types: 'dist/index.d.ts', dependencies: p.deps };
  if (p.service) { pj.main = 'dist/main.js'; delete pj.types; }
  if (p.e2e) { delete pj.main; delete pj.types; }
  writeFileSync(`${dir}/package.json`, JSON.stringify(pj, null, 2) + '\n');
  const up = dir === 'e2e' ? '..' : '../..';
  const ts = { extends: `${up}/tsconfig.base.json`, compilerOptions: { rootDir: 'src', outDir: 'dist', tsBuildInfoFile: 'dist/.tsbuildinfo' }, include: ['src'], references: p.refs.map((r) => ({ path: `${up}/libs/${r}` })) };
  writeFileSync(`${dir}/tsconfig.json`, JSON.stringify(ts, null, 2) + '\n');
}
writeFileSync('tsconfig.build.json', JSON.stringify({ files: [], references: Object.keys(pkgs).map((d) => ({ path: d })) }, null, 2) + '\n');
