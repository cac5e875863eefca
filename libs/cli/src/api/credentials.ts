import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** What `ferry login` stores: the API signed in to and its token (and, when login made the token, its uuid, to revoke it). */
export interface Credentials {
  api_url: string;
  token: string;
  username?: string;
  uuid?: string;
}

/** `$FERRY_CONFIG_DIR`, else `$XDG_CONFIG_HOME/ferry`, else `~/.config/ferry`. */
export function configDir(env: NodeJS.ProcessEnv): string {
  if (env.FERRY_CONFIG_DIR) return env.FERRY_CONFIG_DIR;
  const xdg = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(xdg, 'ferry');
}

export const credentialsFile = (dir: string) => join(dir, 'credentials.json');

/** The stored credentials; null when there are none (or the file is not one, which `warn` reports). */
export async function readCredentials(dir: string, warn: (message: string) => void): Promise<Credentials | null> {
  const file = credentialsFile(dir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    warn(`cannot read ${file}: ${(error as Error).message}`);
    return null;
  }
  try {
    const json = JSON.parse(text) as Partial<Credentials>;
    if (typeof json.api_url === 'string' && typeof json.token === 'string') return json as Credentials;
  } catch {
    // reported below
  }
  warn(`ignoring ${file}: not a credentials file (ferry login writes a new one)`);
  return null;
}

/** Written whole or not at all: a private file in a private directory, renamed into place. */
export async function writeCredentials(dir: string, credentials: Credentials): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.credentials.json.${randomBytes(6).toString('hex')}`);
  try {
    await writeFile(temp, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    await rename(temp, credentialsFile(dir));
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

export async function removeCredentials(dir: string): Promise<void> {
  await rm(credentialsFile(dir), { force: true });
}
