import { API_USAGE, parseApiArgs, UsageError } from './api-args';
import { runApiCommand } from './api-command';
import { configDir } from './credentials';

/** `ferry <verb> ...` for every verb but sync: parses the arguments and calls Ferry's HTTP API with this process's stdio and environment. */
export async function runApi(argv: string[]): Promise<number> {
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
