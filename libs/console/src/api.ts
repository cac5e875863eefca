/**
 * The console's one way to the API: same-origin fetches under /api/v1 with the session cookie
 * (httpOnly: the script never sees it) and, on every change, the session's CSRF token from the
 * readable `ferry_csrf` cookie in `X-CSRF-Token`. Errors are the API's problem+json, kept whole so
 * forms can show each field's message where the field is.
 */
export interface FieldProblem {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fieldProblems: FieldProblem[],
  ) {
    super(message);
  }
}

const CSRF_COOKIE = 'ferry_csrf';

function csrfToken(): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === CSRF_COOKIE) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/** Told when the API answers 401: the session ended, so the console shows the sign-in page. */
let onSignedOut: () => void = () => {};
export function whenSignedOut(listener: () => void): void {
  onSignedOut = listener;
}

export async function api<T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    const csrf = csrfToken();
    if (csrf) headers['x-csrf-token'] = csrf;
  }
  const res = await fetch(`/api/v1${path}`, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    const problem = (json ?? {}) as { code?: string; detail?: string; title?: string; errors?: FieldProblem[] };
    if (res.status === 401 && !path.startsWith('/signin')) onSignedOut();
    throw new ApiError(res.status, problem.code ?? `HTTP_${res.status}`, problem.detail ?? problem.title ?? `the API answered ${res.status}`, problem.errors ?? []);
  }
  return json as T;
}

/** A path segment, encoded. */
export const seg = (value: string) => encodeURIComponent(value);

/** The API's field errors by field (`root_rule.rule_value`, `external_registry_config.proxy.https_proxy`...). */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const byField: Record<string, string> = {};
  for (const p of error.fieldProblems) byField[p.field] = byField[p.field] ? `${byField[p.field]}; ${p.message}` : p.message;
  return byField;
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = error.fieldProblems.map((p) => `${p.field} ${p.message}`).join('; ');
    return `${error.code}: ${fields || error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}
