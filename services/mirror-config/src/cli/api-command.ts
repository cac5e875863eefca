import type { ApiCommand, ParsedApiArgs } from './api-args';

export const DEFAULT_API_URL = 'http://127.0.0.1:8080';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** All of stdin, for --password-stdin. */
  readStdin: () => Promise<string>;
}

/** A problem+json answer of the API (RFC 9457), as far as the CLI reads it. */
interface Problem {
  status?: number;
  title?: string;
  detail?: string;
  code?: string;
  errors?: { field: string; message: string }[];
}

// The views the API answers; the CLI prints a few of their fields.
type Json = Record<string, any>;

const yesNo = (b: unknown) => (b ? 'yes' : 'no');

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
  ];
  if (m.external_registry_username) rows.push(['username', m.external_registry_username]);
  if (m.sync_expiration_date) rows.push(['lease until', m.sync_expiration_date]);
  if (m.current_run_id) rows.push(['current run', m.current_run_id]);
  if (m.last_run_id) rows.push(['last run', m.last_run_id]);
  return `${subject}\n${rows.map(([k, v]) => `  ${k.padEnd(12)}${v ?? '-'}`).join('\n')}\n`;
}

function runsText(runs: Json[]): string {
  if (runs.length === 0) return 'no runs yet\n';
  const header = ['RUN ID', 'TRIGGER', 'STATUS', 'SCHEDULED', 'FINISHED', 'COPIED', 'FAILED', 'ERROR'];
  const rows = runs.map((r) => [
    r.run_id,
    r.trigger,
    r.status,
    r.scheduled_at,
    r.finished_at ?? '-',
    `${r.tags_copied}/${r.tags_matched}`,
    String(r.tags_failed),
    r.error ? `${r.error.code}: ${r.error.message}` : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  return [header, ...rows].map((r) => r.map((c, i) => String(c).padEnd(i === r.length - 1 ? 0 : widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

function problemText(problem: Problem, status: number): string {
  const lines = [`ferry: ${problem.detail ?? problem.title ?? 'the request failed'} (${problem.code ?? `HTTP_${status}`}, HTTP ${status})`];
  for (const e of problem.errors ?? []) lines.push(`  ${e.field}: ${e.message}`);
  return `${lines.join('\n')}\n`;
}

async function call(apiUrl: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${apiUrl.replace(/\/+$/, '')}/api/v1${path}`, {
    method,
    headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = { detail: text.slice(0, 200) };
  }
  return { status: res.status, json };
}

function describe(command: ApiCommand, answer: Json | null, mirror: Json | null): string {
  switch (command.verb) {
    case 'mirror create':
      return `created mirror ${mirrorText(command.subject, answer!)}`;
    case 'mirror get':
      return mirrorText(command.subject, answer!);
    case 'mirror delete':
      return `deleted mirror ${command.subject} (the target's images stay)\n`;
    case 'mirror sync-now':
      return `sync requested for ${command.subject}; status ${mirror?.sync_status ?? 'unknown'}\n`;
    case 'mirror cancel':
      return `sync cancelled for ${command.subject}; status ${mirror?.sync_status ?? 'unknown'}\n`;
    case 'mirror runs':
      return runsText(answer!.runs ?? []);
    case 'robot create':
      return `created robot ${answer!.name}\ntoken: ${answer!.token}\n(shown this once: store it now)\n`;
  }
}

/** Runs one API verb: 0 when the API did it, 1 when it refused (its field errors on stderr) or could not be reached. */
export async function runApiCommand(args: ParsedApiArgs, io: CliIo, apiUrl: string): Promise<number> {
  const { command } = args;
  let body = command.body;
  if (command.passwordFromStdin) {
    // One trailing newline is the shell's, not the password's (as `docker login --password-stdin`).
    body = { ...body, external_registry_password: (await io.readStdin()).replace(/\r?\n$/, '') };
  }
  try {
    const answer = await call(apiUrl, command.method, command.path, body);
    if (answer.status >= 400) {
      if (args.json) io.stdout(`${JSON.stringify(answer.json)}\n`);
      io.stderr(problemText((answer.json ?? {}) as Problem, answer.status));
      return 1;
    }
    // sync-now and cancel answer 204; what the caller wants to see is the status they caused.
    const mirror = command.verb === 'mirror sync-now' || command.verb === 'mirror cancel' ? (await call(apiUrl, 'GET', command.path.replace(/\/[^/]+$/, ''))).json : null;
    if (args.json) {
      const out = command.verb === 'mirror delete' ? { deleted: command.subject } : (mirror ?? answer.json);
      io.stdout(`${JSON.stringify(out)}\n`);
    } else {
      io.stdout(describe(command, answer.json, mirror));
    }
    return 0;
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    io.stderr(`ferry: cannot reach Ferry's API at ${apiUrl}: ${cause?.code ?? cause?.message ?? (error as Error).message}\n`);
    return 1;
  }
}
