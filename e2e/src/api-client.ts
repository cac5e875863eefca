import { eventually } from '@ferry/testing';
/** One answer of Ferry's HTTP API, parsed. */
export interface ApiAnswer {
  status: number;
  // The tests read whatever shape the endpoint returns.
  json: any;
  contentType: string | null;
}

export type Api = (method: string, path: string, body?: unknown) => Promise<ApiAnswer>;

/**
 * A client for `<baseUrl>/api/v1`. A string body is sent as it is (to send invalid JSON); every
 * response text is added to `transcript`, so a test can search all of them for a secret.
 */
export function apiClient(baseUrl: () => string, transcript: string[] = []): Api {
  return async (method, path, body) => {
    const res = await fetch(`${baseUrl()}/api/v1${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    transcript.push(text);
    return { status: res.status, json: text ? JSON.parse(text) : null, contentType: res.headers.get('content-type') };
  };
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
