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
