#!/usr/bin/env node

/**
 * The one `ferry` command: `ferry sync ...` runs the sync engine itself, with no Ferry services;
 * every other verb calls Ferry's HTTP API.
 */
async function main(argv: string[]): Promise<number> {
  // Each side is loaded only when asked for: the API's verbs do not load the engine, and
  // `ferry sync`, whose start-up every no-op re-sync pays, loads none of the API's modules.
  if (argv[0] === 'sync') return (require('./sync/sync-command') as typeof import('./sync/sync-command')).runSync(argv.slice(1));
  return (require('./api/api-main') as typeof import('./api/api-main')).runApi(argv);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`ferry: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
