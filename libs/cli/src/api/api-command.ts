import type { CreatedApiTokenView, MirrorView, OrgMirrorVerification, UserView } from '@ferry/api-schema';
import type { ApiCommand, ParsedApiArgs } from './api-args';
import { ANSWER_TEXT, type Json } from './api-output';
import { readCredentials, removeCredentials, writeCredentials, type Credentials } from './credentials';
import { drawRun, SseParser, type StreamEvent } from './run-follow';

export const DEFAULT_API_URL = 'http://127.0.0.1:8080';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** All of stdin, for --password-stdin and --token-stdin. */
  readStdin: () => Promise<string>;
  /** stderr is a terminal (`--follow` draws its bar there). */
  tty?: boolean;
}

/** Where the CLI finds its API and token, besides its arguments. */
export interface CliEnv {
  /** `--api-url` or `$FERRY_API_URL`; else the API signed in to, else the default. */
  apiUrl: string | undefined;
  /** `$FERRY_TOKEN`, which wins over the stored token. */
  token: string | undefined;
  /** Where `ferry login` keeps `credentials.json`. */
  configDir: string;
}

/** A problem+json answer of the API (RFC 9457), as far as the CLI reads it. */
interface Problem {
  status?: number;
  title?: string;
  detail?: string;
  code?: string;
  errors?: { field: string; message: string }[];
}

/** A failure of the CLI's own (not the API's): printed as it is, exit 1. */
class CliError extends Error {}

/**
 * An answer: its status, and its body as the API's schema of it says (`T`, a view of
 * `@ferry/api-schema`, for a 2xx answer; a `Problem` for a refusal). The CLI takes the API at its
 * word, without zod: the API's end-to-end tests check its answers against those schemas.
 */
interface Answer<T = unknown> {
  status: number;
  json: T;
}

const trimUrl = (url: string) => url.replace(/\/+$/, '');
const bearer = (token: string) => `Bearer ${token}`;
const basic = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
/** One trailing newline is the shell's, not the secret's (as `docker login --password-stdin`). */
const fromStdin = (text: string) => text.replace(/\r?\n$/, '');

/** A header value must be printable ASCII; fetch's own refusal would quote the token. */
function checkToken(token: string, source: string): string {
  if (!/^[\x21-\x7e]+$/.test(token)) throw new CliError(`${source} holds no token (ferry_pat_... or ferry_rbt_...)`);
  return token;
}

/** What `--json` prints for an answer without a body (204). */
function emptyAnswer(command: ApiCommand): Json {
  if (command.verb === 'token revoke') return { revoked: command.subject };
  if (command.verb === 'permission remove') return { removed: command.args[1], repository: command.subject };
  return { deleted: command.subject };
}

function problemText(problem: Problem, status: number): string {
  const lines = [`ferry: ${problem.detail ?? problem.title ?? 'the request failed'} (${problem.code ?? `HTTP_${status}`}, HTTP ${status})`];
  for (const e of problem.errors ?? []) lines.push(`  ${e.field}: ${e.message}`);
  return `${lines.join('\n')}\n`;
}

async function call<T = unknown>(apiUrl: string, method: string, path: string, authorization: string | undefined, body?: unknown): Promise<Answer<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (authorization !== undefined) headers.authorization = authorization;
  const res = await fetch(`${trimUrl(apiUrl)}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = { detail: text.slice(0, 200) };
  }
  return { status: res.status, json: json as T };
}

/** Prints a refusal: the problem (with `--json` also on stdout), and for 401 how to sign in. */
function refused(args: ParsedApiArgs, io: CliIo, answer: Answer, hint?: string): number {
  if (args.json) io.stdout(`${JSON.stringify(answer.json)}\n`);
  io.stderr(problemText((answer.json ?? {}) as Problem, answer.status));
  if (answer.status === 401 && hint) io.stderr(`  ${hint}\n`);
  return 1;
}

/** `ferry login`: checks (or, from a password, makes) a token, then stores it for this API. */
async function login(args: ParsedApiArgs, io: CliIo, env: CliEnv, apiUrl: string, stored: Credentials | null): Promise<number> {
  const { command } = args;
  const secret = fromStdin(await io.readStdin());
  let token: string;
  let uuid: string | undefined;
  if (command.stdin === 'token') {
    token = checkToken(secret.trim(), 'stdin');
  } else {
    if (secret === '') throw new CliError('no password on stdin');
    const created = await call<CreatedApiTokenView>(apiUrl, command.method, command.path, basic(command.username!, secret), command.body);
    if (created.status >= 400) return refused(args, io, created);
    ({ token_code: token, uuid } = created.json.token);
  }
  const me = await call<UserView | Problem | null>(apiUrl, 'GET', '/user/', bearer(token));
  // A token without user:read (403), or a robot's (404, robots have no user view), still signs in.
  if (me.status >= 400 && me.status !== 403 && me.status !== 404) return refused(args, io, me, 'the token was refused');
  const username = me.status === 200 ? (me.json as UserView).username : undefined;
  await writeCredentials(env.configDir, { api_url: apiUrl, token, ...(username === undefined ? {} : { username }), ...(uuid === undefined ? {} : { uuid }) });
  // The token this one replaces, if an earlier login made it: nobody else holds it.
  if (stored?.uuid && stored.token !== token) await revoke(stored).catch(() => null);
  if (args.json) io.stdout(`${JSON.stringify(me.json)}\n`);
  else io.stdout(username === undefined ? `signed in to ${apiUrl} (the token cannot read its user: ${(me.json as Problem | null)?.code ?? `HTTP ${me.status}`})\n` : `signed in to ${apiUrl} as ${username}\n`);
  return 0;
}

/** How long `--follow` waits for the scheduler to start the run it asked for. */
const FOLLOW_START_TIMEOUT_MS = 5 * 60_000;
/** Between looks for that run: the scheduler issues it within a second or so, so a long pause would be most of the wait. */
const FOLLOW_START_POLL_MS = 100;

/**
 * `ferry mirror sync-now --follow`: waits for the run the request starts (the mirror names a new
 * current or last run), then draws its event stream until the outcome: 0 when it succeeded.
 */
async function follow(args: ParsedApiArgs, io: CliIo, apiUrl: string, authorization: string | undefined, mirrorPath: string, before: MirrorView | null): Promise<number> {
  const { command } = args;
  const deadline = Date.now() + FOLLOW_START_TIMEOUT_MS;
  let runId: string | null = null;
  while (runId === null) {
    const now = (await call<MirrorView | null>(apiUrl, 'GET', mirrorPath, authorization)).json;
    if (now?.current_run_id && now.current_run_id !== before?.current_run_id) runId = now.current_run_id;
    else if (now?.last_run_id && now.last_run_id !== before?.last_run_id) runId = now.last_run_id;
    else if (Date.now() > deadline) throw new CliError(`no run of ${command.subject} started within ${FOLLOW_START_TIMEOUT_MS / 60_000} minutes; is the scheduler running?`);
    else await new Promise((r) => setTimeout(r, FOLLOW_START_POLL_MS));
  }
  if (!args.json) io.stderr(`following run ${runId} of ${command.subject}\n`);
  const res = await fetch(`${trimUrl(apiUrl)}/api/v1${mirrorPath}/runs/${encodeURIComponent(runId)}/events`, {
    headers: { accept: 'text/event-stream', ...(authorization === undefined ? {} : { authorization }) },
  });
  if (res.status >= 400 || !res.body) {
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = { detail: text.slice(0, 200) };
    }
    return refused(args, io, { status: res.status, json });
  }
  const body = res.body;
  const events = async function* (): AsyncGenerator<StreamEvent> {
    const parser = new SseParser();
    const decoder = new TextDecoder();
    for await (const chunk of body) yield* parser.push(decoder.decode(chunk as Uint8Array, { stream: true }));
  };
  const status = await drawRun(events(), command.subject, { stdout: io.stdout, stderr: io.stderr, tty: io.tty === true }, { json: args.json });
  if (status === null) io.stderr(`ferry: the stream of run ${runId} ended before the run did\n`);
  return status === 'succeeded' ? 0 : 1;
}

const revoke = (stored: Credentials) => call(stored.api_url, 'DELETE', `/user/apptoken/${encodeURIComponent(stored.uuid!)}`, bearer(stored.token));

/** `ferry logout`: forgets the stored token, revoking it first when login made it. */
async function logout(args: ParsedApiArgs, io: CliIo, env: CliEnv, stored: Credentials | null): Promise<number> {
  if (!stored) {
    io.stdout(args.json ? `${JSON.stringify({ signed_out: null })}\n` : 'not signed in\n');
    return 0;
  }
  let failure: string | undefined;
  if (stored.uuid) {
    // 401: the token no longer works (revoked or expired), which is what logout wants.
    const answer = await revoke(stored).catch((error: Error) => ({ status: 0, json: { detail: `cannot reach Ferry's API at ${stored.api_url}: ${networkCause(error)}` } }));
    if (answer.status !== 204 && answer.status !== 401 && answer.status !== 404) failure = problemText((answer.json ?? {}) as Problem, answer.status).replace(/^ferry: /, '');
  }
  await removeCredentials(env.configDir);
  const revoked = stored.uuid !== undefined && failure === undefined;
  if (args.json) io.stdout(`${JSON.stringify({ signed_out: stored.api_url, revoked })}\n`);
  else io.stdout(`signed out of ${stored.api_url}${revoked ? '; the token is revoked' : stored.uuid ? '' : ' (the token given to ferry login still works: ferry token revoke <uuid> ends it)'}\n`);
  if (failure === undefined) return 0;
  io.stderr(`ferry: the token could not be revoked: ${failure}  revoke it with: ferry token revoke ${stored.uuid}\n`);
  return 1;
}

function networkCause(error: Error): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? error.message;
}

/**
 * Runs one API verb: 0 when the API did it, 1 when it refused (its field errors on stderr) or could
 * not be reached. The token is `$FERRY_TOKEN`, else the one stored for this API by `ferry login`.
 */
export async function runApiCommand(args: ParsedApiArgs, io: CliIo, env: CliEnv): Promise<number> {
  const { command } = args;
  const stored = await readCredentials(env.configDir, (message) => io.stderr(`ferry: ${message}\n`));
  const apiUrl = trimUrl(env.apiUrl ?? stored?.api_url ?? DEFAULT_API_URL);
  try {
    if (command.verb === 'login') return await login(args, io, env, apiUrl, stored);
    if (command.verb === 'logout') return await logout(args, io, env, stored);
    // A stored token goes only to the API it was made for.
    const storedToken = stored && trimUrl(stored.api_url) === apiUrl ? stored.token : undefined;
    const token = env.token !== undefined ? checkToken(env.token.trim(), 'FERRY_TOKEN') : storedToken;
    const authorization = token === undefined ? undefined : bearer(token);
    const hint =
      env.token !== undefined
        ? 'the token in FERRY_TOKEN was refused: unset it to use the one of `ferry login`, or set a valid one'
        : token === undefined
          ? `not signed in to ${apiUrl}: run \`ferry login${env.apiUrl === undefined ? '' : ` --api-url ${apiUrl}`}\` (or set FERRY_TOKEN)`
          : 'the stored token was refused (revoked or expired): run `ferry login` again';

    let body = command.body;
    if (command.stdin === 'upstream-password') body = { ...body, external_registry_password: fromStdin(await io.readStdin()) };
    const mirrorPath = command.path.replace(/\/[^/]+$/, '');
    const before = command.follow ? await call<MirrorView | null>(apiUrl, 'GET', mirrorPath, authorization) : null;
    if (before && before.status >= 400) return refused(args, io, before, hint);
    const answer = await call<Json | null>(apiUrl, command.method, command.path, authorization, body);
    if (answer.status >= 400) return refused(args, io, answer, hint);
    if (command.follow) return await follow(args, io, apiUrl, authorization, mirrorPath, before!.json);
    // sync-now and cancel answer 204; what the caller wants to see is the status they caused.
    const statusAfter = ['mirror sync-now', 'mirror cancel', 'org-mirror sync-now', 'org-mirror cancel'].includes(command.verb);
    const mirror = statusAfter ? (await call<Json | null>(apiUrl, 'GET', command.path.replace(/\/[^/]+$/, ''), authorization)).json : null;
    if (args.json) io.stdout(`${JSON.stringify(mirror ?? answer.json ?? emptyAnswer(command))}\n`);
    else io.stdout(ANSWER_TEXT[command.verb](command, answer.json as Json, mirror));
    // verify answers 200 either way (Quay's shape); a failed check is the command's failure.
    return command.verb === 'org-mirror verify' && (answer.json as OrgMirrorVerification | null)?.success === false ? 1 : 0;
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(`ferry: ${error.message}\n`);
      return 1;
    }
    if (error instanceof TypeError && (error as { cause?: unknown }).cause !== undefined) {
      io.stderr(`ferry: cannot reach Ferry's API at ${apiUrl}: ${networkCause(error)}\n`);
      return 1;
    }
    // The credentials file could not be written or removed.
    if (typeof (error as NodeJS.ErrnoException).code === 'string') {
      io.stderr(`ferry: ${(error as Error).message}\n`);
      return 1;
    }
    throw error;
  }
}
