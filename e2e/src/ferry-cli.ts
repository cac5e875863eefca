import { spawn } from 'node:child_process';

const CLI = require.resolve('@ferry/cli');

/** What one run of the `ferry` CLI did. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** How a test runs the CLI: its API, its token (FERRY_TOKEN; null: none) and its config directory. */
export interface CliEnv {
  apiUrl: string;
  token: string | null;
  configDir: string;
}

/** Runs the `ferry` CLI as a user would, with `stdin` on its standard input. */
export function runCli(env: CliEnv, args: string[], stdin?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: {
        PATH: process.env.PATH ?? '',
        FERRY_API_URL: env.apiUrl,
        // Never the credentials of whoever runs the tests.
        FERRY_CONFIG_DIR: env.configDir,
        ...(env.token === null ? {} : { FERRY_TOKEN: env.token }),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}
