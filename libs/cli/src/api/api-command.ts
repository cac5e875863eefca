import { SCOPES } from '@ferry/contracts';
import type { ApiCommand, ParsedApiArgs, Verb } from './api-args';
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

// The views the API answers; the CLI prints a few of their fields.
type Json = Record<string, any>;
interface Answer {
  status: number;
  json: any;
}

const yesNo = (b: unknown) => (b ? 'yes' : 'no');
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

function fieldsText(title: string, rows: [string, unknown][]): string {
  return `${title}\n${rows.map(([k, v]) => `  ${k.padEnd(12)}${v === undefined || v === null || v === '' ? '-' : v}`).join('\n')}\n`;
}

function table(header: string[], rows: unknown[][], empty: string): string {
  if (rows.length === 0) return `${empty}\n`;
  const cells = rows.map((r) => r.map((c) => (c === undefined || c === null || c === '' ? '-' : String(c))));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  return [header, ...cells].map((r) => r.map((c, i) => c.padEnd(i === r.length - 1 ? 0 : widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

/** A selector as `ferry mirror create` takes it: `--tags-semver >=1.27`. */
const selectorText = (side: string, sel: Json) =>
  sel.kind === 'glob' ? `${side === 'include' ? '--tags' : '--exclude'} ${sel.patterns.join(',')}` : `${side === 'include' ? '--tags' : '--exclude'}-${sel.kind} ${sel.pattern ?? sel.range}${sel.include_prerelease ? ' --include-prerelease' : ''}`;

/** Ferry's rule, when it says more than root_rule's globs: in the CLI's flags. */
function tagRuleText(rule: Json | undefined): string | undefined {
  if (!rule || (rule.exclude.length === 0 && !rule.keep_newest && rule.include.every((s: Json) => s.kind === 'glob'))) return undefined;
  const parts = ['include', 'exclude'].flatMap((side) => (rule[side] as Json[]).map((sel) => selectorText(side, sel)));
  if (rule.keep_newest) parts.push(`--keep-newest ${rule.keep_newest.count} (by ${rule.keep_newest.by})`);
  return parts.join(' ');
}

function mirrorText(subject: string, m: Json): string {
  const rows: [string, unknown][] = [
    ['status', m.sync_status],
    ['upstream', m.external_reference],
    ['tags', (m.root_rule?.rule_value ?? []).join(', ')],
    ['robot', m.robot_username],
    ['interval', `${m.sync_interval} s`],
    ['next sync', m.sync_start_date],
    ['enabled', yesNo(m.is_enabled)],
    ['verify tls', yesNo(m.external_registry_config?.verify_tls)],
    ['tag deletion', m.tag_deletion ? (m.tag_deletion.enabled ? `on${m.tag_deletion.max_delete === null ? '' : `, at most ${m.tag_deletion.max_delete} a run`}` : 'off') : undefined],
  ];
  const rule = tagRuleText(m.tag_rule);
  if (rule) rows.splice(3, 0, ['tag rule', rule]);
  if (m.external_registry_username) rows.push(['username', m.external_registry_username]);
  if (m.sync_expiration_date) rows.push(['lease until', m.sync_expiration_date]);
  if (m.current_run_id) rows.push(['current run', m.current_run_id]);
  if (m.last_run_id) rows.push(['last run', m.last_run_id]);
  return fieldsText(subject, rows);
}

/** An organization mirror: what it mirrors from where, how, and how its repositories are doing. */
function orgMirrorText(subject: string, m: Json): string {
  const counts = Object.entries((m.repo_sync_status_counts ?? {}) as Record<string, number>).filter(([, n]) => n > 0);
  const patterns = (list: Json[] | undefined) => (list ?? []).map((p) => `${p.kind} ${p.pattern}`).join(', ');
  const last = m.last_discovery as Json | null;
  const rows: [string, unknown][] = [
    ['status', m.sync_status],
    ['source', `${m.external_registry_type} ${m.external_registry_url} ${m.external_namespace === '' ? '(the whole registry)' : m.external_namespace}`],
    ['robot', m.robot_username],
    ['visibility', m.visibility],
    ['interval', `${m.sync_interval} s`],
    ['next sync', m.sync_start_date],
    ['enabled', yesNo(m.is_enabled)],
    ['verify tls', yesNo(m.external_registry_config?.verify_tls)],
    ['repositories', counts.length ? counts.map(([s, n]) => `${n} ${s}`).join(', ') : 'none discovered yet'],
    ['name', m.repository_name_template],
    ['vanished', m.vanished ? `${m.vanished.action}${m.vanished.max_delete === null ? '' : `, at most ${m.vanished.max_delete} a discovery`}` : undefined],
  ];
  if ((m.repository_filters ?? []).length) rows.push(['filters', m.repository_filters.join(', ')]);
  if ((m.include ?? []).length) rows.push(['include', patterns(m.include)]);
  if ((m.exclude ?? []).length) rows.push(['exclude', patterns(m.exclude)]);
  const rule = tagRuleText(m.tag_rule);
  if (rule) rows.push(['tag rule', rule]);
  if (m.external_registry_username) rows.push(['username', m.external_registry_username]);
  if (m.current_discovery_id) rows.push(['discovering', m.current_discovery_id]);
  if (last) rows.push(['last', `${last.outcome ?? '-'}: ${last.listed} listed, ${last.matched} selected, ${last.added} added, ${last.vanished} vanished, ${last.deleted} deleted${last.error ? ` (${last.error.code}: ${last.error.message})` : ''}`]);
  return fieldsText(`${subject} (organization mirror)`, rows);
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** A preview: one line a tag, then the totals and what the deletion settings make of the tags that would go. */
function previewText(subject: string, p: Json): string {
  const rows = [
    ...(p.copy ?? []).map((t: Json) => ['copy', t.tag, t.digest, mib(t.bytes)]),
    ...(p.unchanged ?? []).map((t: Json) => ['unchanged', t.tag, t.digest, '']),
    ...(p.failing ?? []).map((t: Json) => ['fail', t.tag, `${t.error.code}: ${t.error.message}`, '']),
    ...(p.delete ?? []).map((tag: string) => [p.totals.delete > 0 ? 'delete' : 'keep', tag, '(no longer selected)', '']),
  ];
  const { copy, unchanged, failing, delete: deleting, bytes } = p.totals;
  const refused = p.tag_deletion?.refused;
  const verdict = refused
    ? `DELETE_CAP_EXCEEDED: ${refused.would_delete} tags would go, more than the ${refused.allowed} max_delete allows: the run would delete none and fail\n`
    : !p.tag_deletion?.enabled && (p.delete ?? []).length
      ? `tag deletion is off: the ${p.delete.length} tags no longer selected stay\n`
      : '';
  return `${table(['ACTION', 'TAG', 'DIGEST', 'BYTES'], rows, 'no tags selected')}${subject}: ${p.tags_matched} tags matched: ${copy} to copy (${mib(bytes)}), ${unchanged} unchanged, ${failing} failing, ${deleting} to delete; nothing was written\n${verdict}`;
}

const runsText = (runs: Json[]) =>
  table(
    ['RUN ID', 'TRIGGER', 'STATUS', 'SCHEDULED', 'FINISHED', 'COPIED', 'FAILED', 'ERROR'],
    runs.map((r) => [r.run_id, r.trigger, r.status, r.scheduled_at, r.finished_at, `${r.tags_copied}/${r.tags_matched}`, String(r.tags_failed), r.error ? `${r.error.code}: ${r.error.message}` : '']),
    'no runs yet',
  );

const userText = (u: Json) =>
  fieldsText(`${u.username}${u.super_user ? ' (superuser)' : ''}`, [
    ['email', u.email],
    ['orgs', (u.organizations ?? []).map((o: Json) => `${o.name}${o.is_org_admin ? ' (admin)' : ''}`).join(', ')],
  ]);

const robotText = (r: Json) =>
  fieldsText(r.name, [
    ['description', r.description],
    ['created', r.created],
    ['last used', r.last_accessed],
  ]);

const scopesText = (scopes: string[] = []) => (SCOPES.every((s) => scopes.includes(s)) ? 'all scopes' : scopes.join(','));

const shownOnce = (what: string, secret: string) => `${what}: ${secret}\n(shown this once: store it now)\n`;

/** What each verb prints for people (login and logout print their own). */
const DESCRIBE: Record<Exclude<Verb, 'login' | 'logout'>, (command: ApiCommand, answer: Json, mirror: Json | null) => string> = {
  whoami: (_c, a) => userText(a),
  'mirror create': (c, a) => `created mirror ${mirrorText(c.subject, a)}`,
  'mirror get': (c, a) => mirrorText(c.subject, a),
  'mirror delete': (c) => `deleted mirror ${c.subject} (the target's images stay)\n`,
  'mirror sync-now': (c, _a, m) => `sync requested for ${c.subject}; status ${m?.sync_status ?? 'unknown'}\n`,
  'mirror cancel': (c, _a, m) => `sync cancelled for ${c.subject}; status ${m?.sync_status ?? 'unknown'}\n`,
  'mirror runs': (_c, a) => runsText(a.runs ?? []),
  'mirror preview': (c, a) => previewText(c.subject, a),
  'mirror tags': (_c, a) => table(['TAG', 'DIGEST', 'RUN', 'WRITTEN'], (a.tags ?? []).map((t: Json) => [t.name, t.manifest_digest, t.run_id, t.last_modified]), 'no tags written yet'),
  'mirror tag-history': (_c, a) =>
    `${a.tag}: first seen upstream ${a.first_seen_upstream ?? '(not listed now)'}; holds ${a.current_digest ?? 'nothing'}\n` +
    table(['WHEN', 'CHANGE', 'DIGEST', 'RUN'], (a.history ?? []).map((h: Json) => [h.at, h.change, h.digest, h.run_id]), 'no changes recorded'),
  'org-mirror create': (c, a) => `created ${orgMirrorText(c.subject, a)}`,
  'org-mirror update': (c, a) => `changed ${orgMirrorText(c.subject, a)}`,
  'org-mirror get': (c, a) => orgMirrorText(c.subject, a),
  'org-mirror delete': (c) => `deleted the organization mirror of ${c.subject}${c.path.includes('delete_repositories=true') ? ', with its repositories and their images' : ' (its repositories stay, no longer mirrored)'}\n`,
  'org-mirror sync-now': (c, _a, m) => `discovery requested for ${c.subject}; status ${m?.sync_status ?? 'unknown'}\n`,
  'org-mirror cancel': (c, _a, m) => `cancelled for ${c.subject}; status ${m?.sync_status ?? 'unknown'}\n`,
  'org-mirror verify': (c, a) => `${c.subject}: ${a.success ? 'connection successful' : `failed: ${a.message}${a.code ? ` (${a.code})` : ''}`}\n`,
  'org-mirror repositories': (_c, a) =>
    table(
      ['NAME', 'STATUS', 'UPSTREAM', 'DISCOVERED', 'LAST SYNC', 'MESSAGE'],
      (a.repositories ?? []).map((r: Json) => [r.name, r.sync_status, r.upstream_repository, r.discovery_date, r.last_sync_date, r.status_message]),
      'no repositories discovered',
    ) + (a.has_next ? `(page ${a.page} of ${Math.ceil(a.total / a.limit)}, ${a.total} in all: --page ${a.page + 1} for more)\n` : ''),
  'org create': (c) => `created organization ${c.subject}\n`,
  'org get': (c, a) => fieldsText(a.name ?? c.subject, [['email', a.email], ['admin', yesNo(a.is_admin)], ['member', yesNo(a.is_member)]]),
  'org delete': (c) => `deleted organization ${c.subject}\n`,
  'repo create': (c) => `created repository ${c.subject} (${c.body!.visibility})\n`,
  'repo get': (c, a) =>
    fieldsText(c.subject, [
      ['description', a.description],
      ['visibility', a.is_public ? 'public' : 'private'],
      ['state', a.state],
      ['can write', yesNo(a.can_write)],
      ['can admin', yesNo(a.can_admin)],
    ]),
  'repo delete': (c) => `deleted repository ${c.subject} (and its mirror, if it had one)\n`,
  'repo state': (c) => `${c.subject} is now ${c.body!.state}\n`,
  'permission list': (_c, a) =>
    table(
      ['NAME', 'KIND', 'ROLE'],
      Object.values((a.permissions ?? {}) as Record<string, Json>).map((p) => [p.name, p.is_robot ? 'robot' : 'user', p.role]),
      'no permissions',
    ),
  'permission set': (c, a) => `${a.name ?? c.args[1]} has ${a.role ?? c.body!.role} on ${c.subject}\n`,
  'permission remove': (c) => `removed ${c.args[1]}'s role on ${c.subject}\n`,
  'robot create': (_c, a) => `created robot ${a.name}\n${shownOnce('token', a.token)}`,
  'robot list': (_c, a) => table(['NAME', 'DESCRIPTION', 'CREATED', 'LAST USED'], (a.robots ?? []).map((r: Json) => [r.name, r.description, r.created, r.last_accessed]), 'no robots'),
  'robot get': (_c, a) => robotText(a),
  'robot delete': (c) => `deleted robot ${c.subject}\n`,
  'robot regenerate': (_c, a) => `new token for robot ${a.name} (the old one no longer works)\n${shownOnce('token', a.token)}`,
  'token create': (_c, a) => `created token ${a.token.uuid} "${a.token.title}" (${scopesText(a.token.scopes)}; expires ${a.token.expiration ?? 'never'})\n${shownOnce('token', a.token.token_code)}`,
  'token list': (_c, a) =>
    table(
      ['UUID', 'TITLE', 'SCOPES', 'CREATED', 'EXPIRES', 'LAST USED'],
      (a.tokens ?? []).map((t: Json) => [t.uuid, t.title, scopesText(t.scopes), t.created, t.expiration ?? 'never', t.last_accessed]),
      'no tokens',
    ),
  'token revoke': (c) => `revoked token ${c.subject}\n`,
  'user create': (_c, a) => `created user ${a.username}\n${a.password ? shownOnce('password', a.password) : ''}`,
  'user delete': (c) => `deleted user ${c.subject}\n`,
};

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

async function call(apiUrl: string, method: string, path: string, authorization: string | undefined, body?: unknown): Promise<Answer> {
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
  return { status: res.status, json };
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
    const created = await call(apiUrl, command.method, command.path, basic(command.username!, secret), command.body);
    if (created.status >= 400) return refused(args, io, created);
    ({ token_code: token, uuid } = created.json.token as { token_code: string; uuid: string });
  }
  const me = await call(apiUrl, 'GET', '/user/', bearer(token));
  // A token without user:read (403), or a robot's (404, robots have no user view), still signs in.
  if (me.status >= 400 && me.status !== 403 && me.status !== 404) return refused(args, io, me, 'the token was refused');
  const username = me.status === 200 ? (me.json.username as string) : undefined;
  await writeCredentials(env.configDir, { api_url: apiUrl, token, ...(username === undefined ? {} : { username }), ...(uuid === undefined ? {} : { uuid }) });
  // The token this one replaces, if an earlier login made it: nobody else holds it.
  if (stored?.uuid && stored.token !== token) await revoke(stored).catch(() => null);
  if (args.json) io.stdout(`${JSON.stringify(me.json)}\n`);
  else io.stdout(username === undefined ? `signed in to ${apiUrl} (the token cannot read its user: ${me.json?.code ?? `HTTP ${me.status}`})\n` : `signed in to ${apiUrl} as ${username}\n`);
  return 0;
}

/** How long `--follow` waits for the scheduler to start the run it asked for. */
const FOLLOW_START_TIMEOUT_MS = 5 * 60_000;

/**
 * `ferry mirror sync-now --follow`: waits for the run the request starts (the mirror names a new
 * current or last run), then draws its event stream until the outcome: 0 when it succeeded.
 */
async function follow(args: ParsedApiArgs, io: CliIo, apiUrl: string, authorization: string | undefined, mirrorPath: string, before: Json): Promise<number> {
  const { command } = args;
  const deadline = Date.now() + FOLLOW_START_TIMEOUT_MS;
  let runId: string | null = null;
  while (runId === null) {
    const now = (await call(apiUrl, 'GET', mirrorPath, authorization)).json as Json;
    if (now?.current_run_id && now.current_run_id !== before?.current_run_id) runId = now.current_run_id;
    else if (now?.last_run_id && now.last_run_id !== before?.last_run_id) runId = now.last_run_id;
    else if (Date.now() > deadline) throw new CliError(`no run of ${command.subject} started within ${FOLLOW_START_TIMEOUT_MS / 60_000} minutes; is the scheduler running?`);
    else await new Promise((r) => setTimeout(r, 500));
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
    const before = command.follow ? await call(apiUrl, 'GET', mirrorPath, authorization) : null;
    if (before && before.status >= 400) return refused(args, io, before, hint);
    const answer = await call(apiUrl, command.method, command.path, authorization, body);
    if (answer.status >= 400) return refused(args, io, answer, hint);
    if (command.follow) return await follow(args, io, apiUrl, authorization, mirrorPath, before!.json);
    // sync-now and cancel answer 204; what the caller wants to see is the status they caused.
    const statusAfter = ['mirror sync-now', 'mirror cancel', 'org-mirror sync-now', 'org-mirror cancel'].includes(command.verb);
    const mirror = statusAfter ? (await call(apiUrl, 'GET', command.path.replace(/\/[^/]+$/, ''), authorization)).json : null;
    if (args.json) io.stdout(`${JSON.stringify(mirror ?? answer.json ?? emptyAnswer(command))}\n`);
    else io.stdout(DESCRIBE[command.verb](command, answer.json, mirror));
    // verify answers 200 either way (Quay's shape); a failed check is the command's failure.
    return command.verb === 'org-mirror verify' && answer.json?.success === false ? 1 : 0;
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
