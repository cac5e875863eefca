import { parseArgs } from 'node:util';

/** `ferry` verbs that call Ferry's HTTP API. */
export const API_USAGE = `usage: ferry <command> [options]

  ferry mirror create <ns/repo> --upstream HOST/PATH --tags 'v3.*,latest' --robot NS+NAME
        [--interval SECONDS] [--start YYYY-MM-DDTHH:MM:SSZ] [--username USER --password-stdin]
        [--no-verify-tls] [--disabled]
  ferry mirror get <ns/repo>          the mirror and its sync status
  ferry mirror delete <ns/repo>       remove the mirror (the target's images stay)
  ferry mirror sync-now <ns/repo>     run as soon as the scheduler ticks
  ferry mirror cancel <ns/repo>       cancel the running or requested sync
  ferry mirror runs <ns/repo> [--limit N]   run history, newest first
  ferry robot create <ns+name> [--description TEXT]   prints the robot's token, once
  ferry sync ...                      the standalone sync engine (ferry sync --help)

  --api-url URL     Ferry's HTTP API (default $FERRY_API_URL or http://127.0.0.1:8080)
  --json            print the API's answer as JSON
  Exit status: 0 done, 1 refused or failed (field errors on stderr), 2 bad usage.
`;

export class UsageError extends Error {
  readonly code = 'USAGE' as const;
}

/** One HTTP call to make, and how to print its answer. */
export interface ApiCommand {
  verb: 'mirror create' | 'mirror get' | 'mirror delete' | 'mirror sync-now' | 'mirror cancel' | 'mirror runs' | 'robot create';
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Under /api/v1. */
  path: string;
  body?: Record<string, unknown>;
  /** The password is read from stdin when the command runs, so parsing stays pure. */
  passwordFromStdin: boolean;
  /** What the command names, for messages: `ns/repo` or `ns+name`. */
  subject: string;
}

export interface ParsedApiArgs {
  command: ApiCommand;
  apiUrl: string | undefined;
  json: boolean;
}

const OPTIONS = {
  'api-url': { type: 'string' },
  json: { type: 'boolean' },
  upstream: { type: 'string' },
  tags: { type: 'string', multiple: true },
  robot: { type: 'string' },
  interval: { type: 'string' },
  start: { type: 'string' },
  username: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  'no-verify-tls': { type: 'boolean' },
  disabled: { type: 'boolean' },
  limit: { type: 'string' },
  description: { type: 'string' },
} as const;

const VERB_OPTIONS: Record<ApiCommand['verb'], string[]> = {
  'mirror create': ['upstream', 'tags', 'robot', 'interval', 'start', 'username', 'password-stdin', 'no-verify-tls', 'disabled'],
  'mirror get': [],
  'mirror delete': [],
  'mirror sync-now': [],
  'mirror cancel': [],
  'mirror runs': ['limit'],
  'robot create': ['description'],
};

const enc = encodeURIComponent;

function repositoryPath(ref: string | undefined): { ns: string; repo: string } {
  const m = ref?.match(/^([^/\s]+)\/([^/\s]+)$/);
  if (!m) throw new UsageError(`expected <namespace/repository>, got ${ref === undefined ? 'nothing' : `"${ref}"`}`);
  return { ns: m[1]!, repo: m[2]! };
}

/** Quay's time format, which `sync_start_date` requires. */
export const quayNow = (now: Date): string => `${now.toISOString().slice(0, 19)}Z`;

/** Parses `ferry mirror ...` / `ferry robot ...`; throws UsageError. `now` is the default start. */
export function parseApiArgs(argv: string[], now: Date = new Date()): ParsedApiArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [noun, action, ref, ...rest] = positionals;
  const verb = `${noun ?? ''} ${action ?? ''}` as ApiCommand['verb'];
  if (!(verb in VERB_OPTIONS)) throw new UsageError(noun ? `unknown command "${[noun, action].filter(Boolean).join(' ')}"` : 'no command given');
  if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
  for (const key of Object.keys(values)) {
    if (key !== 'api-url' && key !== 'json' && !VERB_OPTIONS[verb].includes(key)) throw new UsageError(`--${key} does not apply to ferry ${verb}`);
  }
  const common = { apiUrl: values['api-url'], json: values.json ?? false };

  if (verb === 'robot create') {
    const m = ref?.match(/^([^+/\s]+)\+([^+/\s]+)$/);
    if (!m) throw new UsageError(`expected <namespace+name>, got ${ref === undefined ? 'nothing' : `"${ref}"`}`);
    const body = values.description === undefined ? {} : { description: values.description };
    return { ...common, command: { verb, method: 'PUT', path: `/organization/${enc(m[1]!)}/robots/${enc(m[2]!)}`, body, passwordFromStdin: false, subject: ref! } };
  }

  const { ns, repo } = repositoryPath(ref);
  const base = `/repository/${enc(ns)}/${enc(repo)}/mirror`;
  const subject = `${ns}/${repo}`;
  switch (verb) {
    case 'mirror get':
      return { ...common, command: { verb, method: 'GET', path: base, passwordFromStdin: false, subject } };
    case 'mirror delete':
      return { ...common, command: { verb, method: 'DELETE', path: base, passwordFromStdin: false, subject } };
    case 'mirror sync-now':
      return { ...common, command: { verb, method: 'POST', path: `${base}/sync-now`, passwordFromStdin: false, subject } };
    case 'mirror cancel':
      return { ...common, command: { verb, method: 'POST', path: `${base}/sync-cancel`, passwordFromStdin: false, subject } };
    case 'mirror runs': {
      // The API checks the value and names `limit` if it is wrong.
      const query = values.limit === undefined ? '' : `?limit=${enc(values.limit)}`;
      return { ...common, command: { verb, method: 'GET', path: `${base}/runs${query}`, passwordFromStdin: false, subject } };
    }
    case 'mirror create': {
      const missing = (['upstream', 'tags', 'robot'] as const).filter((k) => values[k] === undefined);
      if (missing.length) throw new UsageError(`ferry mirror create needs ${missing.map((k) => `--${k}`).join(', ')}`);
      if (values['password-stdin'] && values.username === undefined) throw new UsageError('--password-stdin needs --username');
      const interval = values.interval === undefined ? 86400 : Number(values.interval);
      if (!Number.isInteger(interval)) throw new UsageError('--interval takes whole seconds');
      // Everything else (pattern syntax, ranges, the robot's existence) is the API's to judge, so
      // the CLI's errors are the API's, field by field.
      const body: Record<string, unknown> = {
        external_reference: values.upstream,
        root_rule: { rule_kind: 'tag_glob_csv', rule_value: values.tags!.flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean) },
        robot_username: values.robot,
        sync_interval: interval,
        sync_start_date: values.start ?? quayNow(now),
        is_enabled: !values.disabled,
        external_registry_username: values.username ?? null,
        external_registry_config: { verify_tls: !values['no-verify-tls'] },
      };
      return { ...common, command: { verb, method: 'POST', path: base, body, passwordFromStdin: values['password-stdin'] ?? false, subject } };
    }
  }
  throw new UsageError(`unknown command "${verb}"`);
}
