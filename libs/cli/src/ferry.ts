#!/usr/bin/env node
import { API_USAGE, parseApiArgs, UsageError } from './api/api-args';
import { runApiCommand } from './api/api-command';
import { configDir } from './api/credentials';

/**
 * The one `ferry` command: `ferry sync ...` runs the sync engine itself, with no Ferry services;
 * every other verb calls Ferry's HTTP API.
 */
async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'sync') {
    // Loaded only for sync, so the API's verbs do not load the engine.
    const { runSync } = require('./sync/sync-command') as typeof import('./sync/sync-command');
    return runSync(argv.slice(1));
  }
  if (argv.length === 0 || argv[0] === 'help' || argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(API_USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  let args;
  try {
    args = parseApiArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`ferry: ${error.message}\n\n${API_USAGE}`);
    return 2;
  }
  return runApiCommand(
    args,
    {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      tty: process.stderr.isTTY === true,
      readStdin: async () => {
        const chunks: Buffer[] = [];
        for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks).toString('utf8');
      },
    },
    { apiUrl: args.apiUrl ?? (process.env.FERRY_API_URL || undefined), token: process.env.FERRY_TOKEN || undefined, configDir: configDir(process.env) },
  );
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
