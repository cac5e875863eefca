import { eventually } from '@ferry/testing';
import { assertDocumented } from './api-document';
/** One answer of Ferry's HTTP API, parsed. */
export interface ApiAnswer {
  status: number;
  // The tests read whatever shape the endpoint returns.
  json: any;
  contentType: string | null;
}

export type Api = (method: string, path: string, body?: unknown) => Promise<ApiAnswer>;

/** Where the API is and whose token a client sends (the bootstrap admin's by default). */
export interface ApiTarget {
  apiUrl: string;
  adminToken: string;
}

/**
 * A client for `<apiUrl>/api/v1`, signed in with `token` (the deployment's admin token unless
 * given; null sends none). A string body is sent as it is (to send invalid JSON); every response
 * text is added to `transcript`, so a test can search all of them for a secret. Every exchange is
 * checked against the OpenAPI document the deployment serves (`assertDocumented`): a request or
 * answer it does not describe fails the test that made it.
 */
export function apiClient(target: () => ApiTarget, transcript: string[] = [], token?: () => string | null): Api {
  return async (method, path, body) => {
    const bearer = token ? token() : target().adminToken;
    const res = await fetch(`${target().apiUrl}/api/v1${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    transcript.push(text);
    await assertDocumented(target().apiUrl, { method, path: `/api/v1${path}`, body, status: res.status, contentType: res.headers.get('content-type'), text });
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: res.status, json, contentType: res.headers.get('content-type') };
  };
}

/**
 * A user made by the admin (`POST /superuser/users/`), signed in with the password it was given
 * (HTTP Basic) to mint an API token with `scopes` (all by default); returns the token.
 */
export async function createUserWithToken(api: Api, apiUrl: string, username: string, scopes?: string[]): Promise<string> {
  const user = await api('POST', '/superuser/users/', { username });
  if (user.status !== 200) throw new Error(`creating user ${username} answered ${user.status}: ${JSON.stringify(user.json)}`);
  const basic = Buffer.from(`${username}:${user.json.password as string}`).toString('base64');
  const res = await fetch(`${apiUrl}/api/v1/user/apptoken`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'e2e', ...(scopes ? { scopes } : {}) }),
  });
  const text = await res.text();
  await assertDocumented(apiUrl, { method: 'POST', path: '/api/v1/user/apptoken', body: { title: 'e2e', ...(scopes ? { scopes } : {}) }, status: res.status, contentType: res.headers.get('content-type'), text });
  const body = JSON.parse(text) as { token?: { token_code?: string } };
  if (res.status !== 200 || !body.token?.token_code) throw new Error(`minting a token for ${username} answered ${res.status}: ${JSON.stringify(body)}`);
  return body.token.token_code;
}

/** An organization and a robot in it, as every mirror needs; returns the robot's token. */
export async function createOrganizationWithRobot(api: Api, organization: string, robot = 'syncer'): Promise<string> {
  const org = await api('POST', '/organization/', { name: organization });
  if (org.status !== 201) throw new Error(`creating organization ${organization} answered ${org.status}: ${JSON.stringify(org.json)}`);
  const made = await api('PUT', `/organization/${organization}/robots/${robot}`, { description: 'mirror writer' });
  if (made.status !== 201) throw new Error(`creating robot ${organization}+${robot} answered ${made.status}: ${JSON.stringify(made.json)}`);
  return made.json.token as string;
}

/** A mirror as `GET .../mirror` shows it, with the fields the tests read. */
export interface MirrorView {
  sync_status: string;
  last_run_id: string | null;
  [key: string]: unknown;
}

/**
 * Asks for a sync now and waits until a run newer than the mirror's last one has ended
 * (SUCCESS or FAIL); returns the mirror as it then is.
 */
export async function syncNowAndWait(api: Api, mirrorPath: string, timeoutMs = 60_000): Promise<MirrorView> {
  const before = ((await api('GET', mirrorPath)).json as MirrorView).last_run_id;
  const now = await api('POST', `${mirrorPath}/sync-now`);
  if (now.status !== 204) throw new Error(`sync-now answered ${now.status}: ${JSON.stringify(now.json)}`);
  return eventually(
    async () => {
      const view = (await api('GET', mirrorPath)).json as MirrorView;
      return view.last_run_id && view.last_run_id !== before && ['SUCCESS', 'FAIL'].includes(view.sync_status) ? view : undefined;
    },
    timeoutMs,
    `a run of ${mirrorPath} to finish`,
  );
}

/** Waits until the current run of `repo`'s mirror has been started by a worker; returns the run and its worker (`host/pid`). */
export async function runningRun(api: Api, repo: string): Promise<{ runId: string; worker: string }> {
  return eventually(async () => {
    const m = (await api('GET', `/repository/${repo}/mirror`)).json;
    if (!m.current_run_id) return undefined;
    const run = (await api('GET', `/repository/${repo}/mirror/runs/${m.current_run_id}`)).json;
    return run.status === 'running' && run.worker ? { runId: run.run_id as string, worker: run.worker as string } : undefined;
  }, 30_000, `${repo} to be running`);
}

/**
 * The body of a mirror that runs only when asked (sync-now): its start date is decades away.
 * `extra` adds or replaces fields (credentials, another interval).
 */
export function onDemandMirrorBody(externalReference: string, robotUsername: string, tagPatterns: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    external_reference: externalReference,
    robot_username: robotUsername,
    root_rule: { rule_kind: 'tag_glob_csv', rule_value: tagPatterns },
    sync_start_date: '2099-01-01T00:00:00Z',
    sync_interval: 86400,
    external_registry_config: { verify_tls: false },
    ...extra,
  };
}
