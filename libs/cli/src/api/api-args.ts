import { hostname as osHostname } from 'node:os';
import { parseArgs } from 'node:util';
import type { KeepNewestOrder } from '@ferry/contracts';
import { onlyGlobs, TAG_RULE_OPTION_NAMES, TAG_RULE_OPTIONS, tagRuleBody, tagRuleFlags, tagRuleGiven, type TagRuleReading } from '../tag-rule-options';

/** `ferry` verbs that call Ferry's HTTP API. */
export const API_USAGE = `usage: ferry <command> [options]

  ferry login [--username USER --password-stdin | --token-stdin]
                                      sign in: the password makes an API token, stored in
                                      $FERRY_CONFIG_DIR/credentials.json (~/.config/ferry)
  ferry logout                        forget (and revoke) the stored token
  ferry whoami                        the signed-in user

  ferry mirror create <ns/repo> --upstream HOST/PATH --tags 'v3.*,latest' --robot NS+NAME
        [--interval SECONDS] [--start YYYY-MM-DDTHH:MM:SSZ] [--username USER --password-stdin]
        [--no-verify-tls] [--disabled]
        [--tags-regex REGEX] [--tags-semver RANGE [--include-prerelease]] [--exclude PATTERNS]
        [--exclude-regex REGEX] [--keep-newest N [--keep-newest-by semver|first-seen]]
                                      Ferry's tag rule (tag_rule) beside or instead of --tags;
                                      as in ferry sync
        [--no-delete] [--max-delete N|N%]   keep tags that stop matching, or delete at most
                                      N (N % of the target's) tags a run
  ferry mirror get <ns/repo>          the mirror and its sync status
  ferry mirror delete <ns/repo>       remove the mirror (the target's images stay)
  ferry mirror sync-now <ns/repo> [--follow]
                                      run as soon as the scheduler ticks; --follow waits for
                                      the run and draws its progress until it ends (exit 0
                                      only when it succeeded)
  ferry mirror cancel <ns/repo>       cancel the running or requested sync
  ferry mirror runs <ns/repo> [--limit N]   run history, newest first
  ferry mirror preview <ns/repo>      what the next run would copy, leave and delete (writes nothing)
  ferry mirror tags <ns/repo>         the target's tags as the mirror last wrote them
  ferry mirror tag-history <ns/repo> <tag>   every digest the tag has had, by which run

  ferry org-mirror create <org> --type quay|harbor|distribution|dockerhub --url URL
        --namespace NS --robot ORG+NAME [--visibility private|public] [--interval SECONDS]
        [--start YYYY-MM-DDTHH:MM:SSZ] [--username USER --password-stdin] [--no-verify-tls]
        [--disabled] [--skopeo-timeout SECONDS] [--platforms amd64,arm64]
        [--repos GLOBS]                 Quay's repository_filters (comma-separated globs)
        [--include-repo GLOB] [--include-repo-regex REGEX]
        [--exclude-repo GLOB] [--exclude-repo-regex REGEX]   repeatable
        [--listing-url URL]             where to list, when not at --url (another Ferry's API)
        [--name-template TEMPLATE]      the target repository, e.g. '{namespace}/{name}'
        [--vanished keep|report|delete [--vanished-max-delete N|N%]]
        [--tags ... --exclude ... --keep-newest N ...]   the tag rule, as ferry mirror create's
                                      mirror every repository of an upstream namespace into <org>
  ferry org-mirror update <org> [the options of create]   changes only what is given
  ferry org-mirror get <org>          the organization mirror, its status and repositories by status
  ferry org-mirror delete <org> [--delete-repositories]   its repositories stay unless asked
  ferry org-mirror sync-now <org>     discover now
  ferry org-mirror cancel <org>       cancel the discovery in flight or requested
  ferry org-mirror verify <org>       list the upstream's first page: connection, credentials, TLS
  ferry org-mirror repositories <org> [--status STATUS] [--page N] [--limit N]
                                      the discovered repositories and each one's sync status

  ferry org create <name> [--email ADDRESS] | get <name> | delete <name>
  ferry repo create <ns/repo> [--public] [--description TEXT] | get <ns/repo> | delete <ns/repo>
  ferry repo state <ns/repo> NORMAL|READ_ONLY|MIRROR
  ferry permission list <ns/repo>
  ferry permission set <ns/repo> <user|ns+robot> read|write|admin
  ferry permission remove <ns/repo> <user|ns+robot>
  ferry robot create <ns+name> [--description TEXT]   prints the robot's token, once
  ferry robot list <ns> | get <ns+name> | delete <ns+name>
  ferry robot regenerate <ns+name>    a new token (printed once); the old one stops working
  ferry hook create <ns/repo|org> [--hmac]   an upstream push hook of the repository's mirror (or
                                      the organization's mirror); prints its URL and secret, once.
                                      --hmac: for senders that sign (GitHub's X-Hub-Signature-256)
  ferry hook list <ns/repo|org> | deliveries <ns/repo|org> <hook-id>
  ferry hook rotate <ns/repo|org> <hook-id>   a new secret (printed once); the old one stops working
  ferry hook delete <ns/repo|org> <hook-id>
  ferry token create <title> [--scope SCOPE]... [--expires ISO-8601]   prints the token, once
  ferry token list | revoke <uuid>    your API tokens
  ferry user create <name> [--email ADDRESS]   (superuser) prints the new password, once
  ferry user delete <name>            (superuser)
  ferry sync ...                      the standalone sync engine (ferry sync --help)

  --api-url URL     Ferry's HTTP API (default $FERRY_API_URL, else the one signed in to, else
                    http://127.0.0.1:8080)
  --json            print the API's answer as JSON
  The token sent is $FERRY_TOKEN, else the one \`ferry login\` stored for that API.
  Exit status: 0 done, 1 refused or failed (field errors on stderr), 2 bad usage.
`;

export class UsageError extends Error {
  readonly code = 'USAGE' as const;
}

const OPTIONS = {
  'api-url': { type: 'string' },
  json: { type: 'boolean' },
  follow: { type: 'boolean' },
  upstream: { type: 'string' },
  ...TAG_RULE_OPTIONS,
  'no-delete': { type: 'boolean' },
  'max-delete': { type: 'string' },
  robot: { type: 'string' },
  hmac: { type: 'boolean' },
  interval: { type: 'string' },
  start: { type: 'string' },
  username: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  'token-stdin': { type: 'boolean' },
  'no-verify-tls': { type: 'boolean' },
  disabled: { type: 'boolean' },
  limit: { type: 'string' },
  description: { type: 'string' },
  email: { type: 'string' },
  public: { type: 'boolean' },
  scope: { type: 'string', multiple: true },
  expires: { type: 'string' },
  type: { type: 'string' },
  url: { type: 'string' },
  'listing-url': { type: 'string' },
  namespace: { type: 'string' },
  visibility: { type: 'string' },
  'skopeo-timeout': { type: 'string' },
  platforms: { type: 'string', multiple: true },
  repos: { type: 'string', multiple: true },
  'include-repo': { type: 'string', multiple: true },
  'include-repo-regex': { type: 'string', multiple: true },
  'exclude-repo': { type: 'string', multiple: true },
  'exclude-repo-regex': { type: 'string', multiple: true },
  'name-template': { type: 'string' },
  vanished: { type: 'string' },
  'vanished-max-delete': { type: 'string' },
  'delete-repositories': { type: 'boolean' },
  status: { type: 'string' },
  page: { type: 'string' },
} as const;

type Option = keyof typeof OPTIONS;
type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>['values'];

/** What stdin holds for a command: read when it runs, so parsing stays pure. */
export type StdinSecret = 'upstream-password' | 'password' | 'token';

/** One HTTP call (login and logout: the first of theirs) and what it acts on. */
interface Request {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Under /api/v1. */
  path: string;
  body?: Record<string, unknown>;
  stdin?: StdinSecret;
  /** `ferry login --username`: who signs in with the password. */
  username?: string;
  /** `ferry mirror sync-now --follow`: stream the run it starts until it ends. */
  follow?: boolean;
}

interface VerbSpec {
  /** How many positionals follow the verb (a missing one is named by its parser). */
  arity: number;
  options?: Option[];
  build: (args: (string | undefined)[], values: Values, context: { now: Date; hostname: string }) => Request;
}

const enc = encodeURIComponent;
const got = (ref: string | undefined) => (ref === undefined ? 'nothing' : `"${ref}"`);

function split(ref: string | undefined, re: RegExp, what: string): [string, string] {
  const m = ref?.match(re);
  if (!m) throw new UsageError(`expected <${what}>, got ${got(ref)}`);
  return [m[1]!, m[2]!];
}

const repoPath = (ref: string | undefined) => split(ref, /^([^/\s]+)\/([^/\s]+)$/, 'namespace/repository');
const robotPath = (ref: string | undefined) => split(ref, /^([^+/\s]+)\+([^+/\s]+)$/, 'namespace+name');
const repoBase = (ref: string | undefined) => {
  const [ns, repo] = repoPath(ref);
  return `/repository/${enc(ns)}/${enc(repo)}`;
};
const mirrorBase = (ref: string | undefined) => `${repoBase(ref)}/mirror`;
const robotBase = (ref: string | undefined) => {
  const [ns, name] = robotPath(ref);
  return `/organization/${enc(ns)}/robots/${enc(name)}`;
};

/** A hook's owner: `ns/repo` is the repository's mirror, a bare name the organization's mirror. */
const hookBase = (ref: string | undefined) => `${ref?.includes('/') ? mirrorBase(ref) : orgMirrorBase(ref)}/hooks`;

/** One name (a namespace, a user or robot, a uuid): anything without a slash; the API judges the rest. */
function word(ref: string | undefined, what: string): string {
  if (ref === undefined || ref.trim() === '' || ref.includes('/')) throw new UsageError(`expected <${what}>, got ${got(ref)}`);
  return ref;
}

function oneOf<T extends string>(ref: string | undefined, choices: readonly T[], what: string): T {
  const value = choices.find((c) => c.toLowerCase() === ref?.toLowerCase());
  if (value === undefined) throw new UsageError(`expected ${what}, ${choices.join('|')}, got ${got(ref)}`);
  return value;
}

const STATES = ['NORMAL', 'READ_ONLY', 'MIRROR'] as const;
const ROLES = ['read', 'write', 'admin'] as const;
/** Repeated and comma-separated values, as `--tags` takes them. */
const list = (values: string[]) => values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
const optional = <K extends string>(key: K, value: unknown) => (value === undefined ? {} : ({ [key]: value } as Record<K, unknown>));

/** The tag-rule flags as the API verbs send them: globs split at commas, the rest as typed, for the API to judge. */
const API_READING: TagRuleReading = { patterns: list, count: Number, order: (raw) => raw as KeepNewestOrder };

/** Quay's time format, which `sync_start_date` requires. */
export const quayNow = (now: Date): string => `${now.toISOString().slice(0, 19)}Z`;

function mirrorCreate([ref]: (string | undefined)[], values: Values, { now }: { now: Date }): Request {
  const path = mirrorBase(ref);
  const missing = (['upstream', 'tags', 'robot'] as const).filter((k) => values[k] === undefined && (k !== 'tags' || (!values['tags-regex'] && !values['tags-semver'])));
  if (missing.length) throw new UsageError(`ferry mirror create needs ${missing.map((k) => `--${k}`).join(', ')}`);
  const rule = tagRuleFlags(values, API_READING);
  if (values['password-stdin'] && values.username === undefined) throw new UsageError('--password-stdin needs --username');
  const interval = values.interval === undefined ? 86400 : Number(values.interval);
  if (!Number.isInteger(interval)) throw new UsageError('--interval takes whole seconds');
  // Everything else (pattern syntax, ranges, the robot's existence) is the API's to judge, so
  // the CLI's errors are the API's, field by field.
  const body = {
    external_reference: values.upstream,
    // Quay's root_rule says globs alone; anything more is Ferry's tag_rule, judged by the API.
    ...(onlyGlobs(rule) ? { root_rule: { rule_kind: 'tag_glob_csv', rule_value: rule.tags } } : { tag_rule: tagRuleBody(rule) }),
    robot_username: values.robot,
    sync_interval: interval,
    sync_start_date: values.start ?? quayNow(now),
    is_enabled: !values.disabled,
    external_registry_username: values.username ?? null,
    external_registry_config: { verify_tls: !values['no-verify-tls'] },
    // Quay's behaviour (delete what stops matching, no cap) unless asked otherwise; the API judges the cap.
    ...(values['no-delete'] || values['max-delete'] !== undefined ? { tag_deletion: { enabled: !values['no-delete'], ...optional('max_delete', values['max-delete']) } } : {}),
  };
  return { method: 'POST', path, body, ...(values['password-stdin'] ? { stdin: 'upstream-password' as const } : {}) };
}

const ORG_MIRROR_OPTIONS = [
  'type',
  'url',
  'listing-url',
  'namespace',
  'robot',
  'visibility',
  'interval',
  'start',
  'username',
  'password-stdin',
  'no-verify-tls',
  'disabled',
  'skopeo-timeout',
  'platforms',
  'repos',
  'include-repo',
  'include-repo-regex',
  'exclude-repo',
  'exclude-repo-regex',
  'name-template',
  'vanished',
  'vanished-max-delete',
  ...TAG_RULE_OPTION_NAMES,
] as const satisfies readonly Option[];

const orgMirrorBase = (org: string | undefined) => `/organization/${enc(word(org, 'organization'))}/mirror`;

/** `--interval` and the like: whole seconds, or a usage error naming the flag. */
function seconds(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UsageError(`--${flag} takes whole seconds`);
  return n;
}

/**
 * The organization mirror body the flags ask for: only what was given (an update changes only
 * that; create adds Quay's defaults). What the values may be is the API's to judge, field by field.
 */
function orgMirrorFields(values: Values): Record<string, unknown> {
  const patterns = (kind: 'glob' | 'regex', given: string[] | undefined) => (given ?? []).map((pattern) => ({ kind, pattern }));
  const include = [...patterns('glob', values['include-repo']), ...patterns('regex', values['include-repo-regex'])];
  const exclude = [...patterns('glob', values['exclude-repo']), ...patterns('regex', values['exclude-repo-regex'])];
  const rule = tagRuleFlags(values, API_READING);
  if (values['password-stdin'] && values.username === undefined) throw new UsageError('--password-stdin needs --username');
  if (values['vanished-max-delete'] !== undefined && values.vanished === undefined) throw new UsageError('--vanished-max-delete needs --vanished');
  return {
    ...optional('external_registry_type', values.type),
    ...optional('external_registry_url', values.url),
    ...optional('external_listing_url', values['listing-url']),
    ...optional('external_namespace', values.namespace),
    ...optional('robot_username', values.robot),
    ...optional('visibility', values.visibility),
    ...optional('sync_interval', seconds(values.interval, 'interval')),
    ...optional('sync_start_date', values.start),
    ...(values.disabled ? { is_enabled: false } : {}),
    ...optional('external_registry_username', values.username),
    ...(values['no-verify-tls'] ? { external_registry_config: { verify_tls: false } } : {}),
    ...optional('skopeo_timeout', seconds(values['skopeo-timeout'], 'skopeo-timeout')),
    ...optional('architecture_filter', values.platforms && list(values.platforms)),
    ...optional('repository_filters', values.repos && list(values.repos)),
    ...(include.length ? { include } : {}),
    ...(exclude.length ? { exclude } : {}),
    ...optional('repository_name_template', values['name-template']),
    ...(values.vanished === undefined ? {} : { vanished: { action: values.vanished, ...optional('max_delete', values['vanished-max-delete']) } }),
    ...(tagRuleGiven(values) ? { tag_rule: tagRuleBody(rule) } : {}),
  };
}

function orgMirrorCreate([org]: (string | undefined)[], values: Values, { now }: { now: Date }): Request {
  const path = orgMirrorBase(org);
  const missing = (['type', 'url', 'namespace', 'robot'] as const).filter((k) => values[k] === undefined);
  if (missing.length) throw new UsageError(`ferry org-mirror create needs ${missing.map((k) => `--${k}`).join(', ')}`);
  // Quay's required fields get Ferry's CLI defaults: private repositories, daily, starting now.
  const body = { visibility: 'private', sync_interval: 86400, sync_start_date: quayNow(now), ...orgMirrorFields(values) };
  return { method: 'POST', path, body, ...(values['password-stdin'] ? { stdin: 'upstream-password' as const } : {}) };
}

function orgMirrorUpdate([org]: (string | undefined)[], values: Values): Request {
  const body = orgMirrorFields(values);
  if (Object.keys(body).length === 0 && !values['password-stdin']) throw new UsageError('ferry org-mirror update needs at least one setting to change');
  return { method: 'PUT', path: orgMirrorBase(org), body, ...(values['password-stdin'] ? { stdin: 'upstream-password' as const } : {}) };
}

function orgMirrorRepositories([org]: (string | undefined)[], values: Values): Request {
  const query = new URLSearchParams({ ...optional('status', values.status), ...optional('page', values.page), ...optional('limit', values.limit) } as Record<string, string>).toString();
  return { method: 'GET', path: `${orgMirrorBase(org)}/repositories${query ? `?${query}` : ''}` };
}

function login(_args: unknown, values: Values, { hostname }: { hostname: string }): Request {
  if (values['token-stdin']) {
    if (values.username !== undefined || values['password-stdin']) throw new UsageError('--token-stdin goes alone, without --username or --password-stdin');
    return { method: 'GET', path: '/user/', stdin: 'token' };
  }
  if (values.username === undefined || !values['password-stdin']) {
    throw new UsageError('ferry login needs --token-stdin, or --username USER with --password-stdin (a password is never taken from the command line)');
  }
  return { method: 'POST', path: '/user/apptoken', body: { title: `ferry-cli@${hostname}` }, stdin: 'password', username: values.username };
}

/** Every verb: its positionals, options and the request they make. */
const VERBS = {
  login: { arity: 0, options: ['username', 'password-stdin', 'token-stdin'], build: login },
  // The token's uuid, known only from the credentials file, is appended when the command runs.
  logout: { arity: 0, build: () => ({ method: 'DELETE', path: '/user/apptoken' }) },
  whoami: { arity: 0, build: () => ({ method: 'GET', path: '/user/' }) },

  'mirror create': { arity: 1, options: ['upstream', ...TAG_RULE_OPTION_NAMES, 'no-delete', 'max-delete', 'robot', 'interval', 'start', 'username', 'password-stdin', 'no-verify-tls', 'disabled'], build: mirrorCreate },
  'mirror get': { arity: 1, build: ([r]) => ({ method: 'GET', path: mirrorBase(r) }) },
  'mirror delete': { arity: 1, build: ([r]) => ({ method: 'DELETE', path: mirrorBase(r) }) },
  'mirror sync-now': { arity: 1, options: ['follow'], build: ([r], v) => ({ method: 'POST', path: `${mirrorBase(r)}/sync-now`, ...(v.follow ? { follow: true } : {}) }) },
  'mirror cancel': { arity: 1, build: ([r]) => ({ method: 'POST', path: `${mirrorBase(r)}/sync-cancel` }) },
  'mirror preview': { arity: 1, build: ([r]) => ({ method: 'POST', path: `${mirrorBase(r)}/preview` }) },
  'mirror tags': { arity: 1, build: ([r]) => ({ method: 'GET', path: `${mirrorBase(r)}/tags` }) },
  'mirror tag-history': { arity: 2, build: ([r, t]) => ({ method: 'GET', path: `${mirrorBase(r)}/tags/${enc(word(t, 'tag'))}/history` }) },
  // The API checks the limit and names `limit` if it is wrong.
  'mirror runs': { arity: 1, options: ['limit'], build: ([r], v) => ({ method: 'GET', path: `${mirrorBase(r)}/runs${v.limit === undefined ? '' : `?limit=${enc(v.limit)}`}` }) },

  'org-mirror create': { arity: 1, options: [...ORG_MIRROR_OPTIONS], build: orgMirrorCreate },
  'org-mirror update': { arity: 1, options: [...ORG_MIRROR_OPTIONS], build: orgMirrorUpdate },
  'org-mirror get': { arity: 1, build: ([o]) => ({ method: 'GET', path: orgMirrorBase(o) }) },
  'org-mirror delete': { arity: 1, options: ['delete-repositories'], build: ([o], v) => ({ method: 'DELETE', path: `${orgMirrorBase(o)}${v['delete-repositories'] ? '?delete_repositories=true' : ''}` }) },
  'org-mirror sync-now': { arity: 1, build: ([o]) => ({ method: 'POST', path: `${orgMirrorBase(o)}/sync-now` }) },
  'org-mirror cancel': { arity: 1, build: ([o]) => ({ method: 'POST', path: `${orgMirrorBase(o)}/sync-cancel` }) },
  'org-mirror verify': { arity: 1, build: ([o]) => ({ method: 'POST', path: `${orgMirrorBase(o)}/verify` }) },
  'org-mirror repositories': { arity: 1, options: ['status', 'page', 'limit'], build: orgMirrorRepositories },

  'org create': { arity: 1, options: ['email'], build: ([n], v) => ({ method: 'POST', path: '/organization/', body: { name: word(n, 'name'), ...optional('email', v.email) } }) },
  'org get': { arity: 1, build: ([n]) => ({ method: 'GET', path: `/organization/${enc(word(n, 'name'))}` }) },
  'org delete': { arity: 1, build: ([n]) => ({ method: 'DELETE', path: `/organization/${enc(word(n, 'name'))}` }) },

  'repo create': {
    arity: 1,
    options: ['public', 'description'],
    build: ([r], v) => {
      const [namespace, repository] = repoPath(r);
      return { method: 'POST', path: '/repository', body: { namespace, repository, visibility: v.public ? 'public' : 'private', ...optional('description', v.description) } };
    },
  },
  'repo get': { arity: 1, build: ([r]) => ({ method: 'GET', path: repoBase(r) }) },
  'repo delete': { arity: 1, build: ([r]) => ({ method: 'DELETE', path: repoBase(r) }) },
  'repo state': { arity: 2, build: ([r, s]) => ({ method: 'PUT', path: `${repoBase(r)}/changestate`, body: { state: oneOf(s, STATES, 'a state') } }) },

  'permission list': { arity: 1, build: ([r]) => ({ method: 'GET', path: `${repoBase(r)}/permissions/user/` }) },
  'permission set': {
    arity: 3,
    build: ([r, who, role]) => ({ method: 'PUT', path: `${repoBase(r)}/permissions/user/${enc(word(who, 'user or namespace+robot'))}`, body: { role: oneOf(role, ROLES, 'a role') } }),
  },
  'permission remove': { arity: 2, build: ([r, who]) => ({ method: 'DELETE', path: `${repoBase(r)}/permissions/user/${enc(word(who, 'user or namespace+robot'))}` }) },

  'robot create': { arity: 1, options: ['description'], build: ([r], v) => ({ method: 'PUT', path: robotBase(r), body: optional('description', v.description) }) },
  'robot list': { arity: 1, build: ([n]) => ({ method: 'GET', path: `/organization/${enc(word(n, 'namespace'))}/robots` }) },
  'robot get': { arity: 1, build: ([r]) => ({ method: 'GET', path: robotBase(r) }) },
  'robot delete': { arity: 1, build: ([r]) => ({ method: 'DELETE', path: robotBase(r) }) },
  'robot regenerate': { arity: 1, build: ([r]) => ({ method: 'POST', path: `${robotBase(r)}/regenerate` }) },

  'hook create': { arity: 1, options: ['hmac'], build: ([o], v) => ({ method: 'POST', path: hookBase(o), body: { verification: v.hmac ? 'hmac-sha256' : 'bearer' } }) },
  'hook list': { arity: 1, build: ([o]) => ({ method: 'GET', path: hookBase(o) }) },
  'hook rotate': { arity: 2, build: ([o, h]) => ({ method: 'POST', path: `${hookBase(o)}/${enc(word(h, 'hook-id'))}/rotate` }) },
  'hook delete': { arity: 2, build: ([o, h]) => ({ method: 'DELETE', path: `${hookBase(o)}/${enc(word(h, 'hook-id'))}` }) },
  'hook deliveries': { arity: 2, build: ([o, h]) => ({ method: 'GET', path: `${hookBase(o)}/${enc(word(h, 'hook-id'))}/deliveries` }) },

  'token create': {
    arity: 1,
    options: ['scope', 'expires'],
    build: ([t], v) => {
      if (t === undefined || t.trim() === '') throw new UsageError(`expected <title>, got ${got(t)}`);
      return { method: 'POST', path: '/user/apptoken', body: { title: t, ...optional('scopes', v.scope && list(v.scope)), ...optional('expiration', v.expires) } };
    },
  },
  'token list': { arity: 0, build: () => ({ method: 'GET', path: '/user/apptoken' }) },
  'token revoke': { arity: 1, build: ([u]) => ({ method: 'DELETE', path: `/user/apptoken/${enc(word(u, 'uuid'))}` }) },

  'user create': { arity: 1, options: ['email'], build: ([n], v) => ({ method: 'POST', path: '/superuser/users/', body: { username: word(n, 'name'), ...optional('email', v.email) } }) },
  'user delete': { arity: 1, build: ([n]) => ({ method: 'DELETE', path: `/superuser/users/${enc(word(n, 'name'))}` }) },
} satisfies Record<string, VerbSpec>;

export type Verb = keyof typeof VERBS;

/** One HTTP call to make, and how to print its answer. */
export interface ApiCommand extends Request {
  verb: Verb;
  /** What the command names, for messages: `ns/repo`, `ns+name`, a name or a uuid (the first argument). */
  subject: string;
  /** Its positionals (`permission set`: the repository, the user or robot, the role). */
  args: string[];
}

export interface ParsedApiArgs {
  command: ApiCommand;
  apiUrl: string | undefined;
  json: boolean;
}

/** Parses every verb but `ferry sync`; throws UsageError. `now` is a mirror's default start, `hostname` names a login's token. */
export function parseApiArgs(argv: string[], now: Date = new Date(), hostname: string = osHostname()): ParsedApiArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [noun, action] = positionals;
  const pair = `${noun ?? ''} ${action ?? ''}`;
  const verb = (pair in VERBS ? pair : noun) as Verb | undefined;
  if (verb === undefined || !(verb in VERBS)) throw new UsageError(noun ? `unknown command "${[noun, action].filter(Boolean).join(' ')}"` : 'no command given');
  const spec: VerbSpec = VERBS[verb];
  const args = positionals.slice(verb.split(' ').length);
  if (args.length > spec.arity) {
    // What is typed after `login` may well be a password: it is not echoed.
    throw new UsageError(verb === 'login' ? 'ferry login takes no arguments: the password or token is read from stdin' : `unexpected argument "${args[spec.arity]}"`);
  }
  for (const key of Object.keys(values)) {
    if (key !== 'api-url' && key !== 'json' && !spec.options?.includes(key as Option)) throw new UsageError(`--${key} does not apply to ferry ${verb}`);
  }
  const request = spec.build(args, values, { now, hostname });
  return { command: { verb, subject: args[0] ?? '', args, ...request }, apiUrl: values['api-url'], json: values.json ?? false };
}
