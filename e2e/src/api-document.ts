import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

type Json = Record<string, any>;

/** One exchange with the API, as the document is asked about it. */
export interface Exchange {
  method: string;
  /** The path and query, as sent: `/api/v1/repository/acme/app/mirror?limit=5`. */
  path: string;
  /** The JSON body sent (a string: sent as it is, such as invalid JSON, which no schema reads). */
  body?: unknown;
  status: number;
  contentType: string | null;
  /** The answer's text. */
  text: string;
}

const mediaType = (contentType: string | null) => (contentType ?? '').split(';')[0]!.trim().toLowerCase();
const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

/**
 * The API's served OpenAPI document (`/openapi.json`), as a judge of what the e2e tests send and
 * get: a path and method the document lacks must be one the API does not serve either (a 404
 * problem), a body the document refuses must not be accepted, and every answer must be one the
 * document describes, its body valid by the schema of its status and media type.
 */
export class ApiDocument {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly templates: { template: string; pattern: RegExp; literals: number }[];

  constructor(readonly document: Json) {
    addFormats(this.ajv);
    this.ajv.addSchema(document, 'openapi.json');
    this.templates = Object.keys(document.paths)
      .map((template) => ({
        template,
        pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[A-Za-z]+\\?\}/g, '[^/]+')}$`),
        literals: template.split('/').filter((s) => s && !s.startsWith('{')).length,
      }))
      // A literal segment wins over a parameter: `/repository/mirror/health` is not a repository.
      .sort((a, b) => b.literals - a.literals);
  }

  /** Fetches the document the API at `apiUrl` serves. */
  static async load(apiUrl: string): Promise<ApiDocument> {
    const res = await fetch(`${apiUrl}/openapi.json`);
    if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}`);
    return new ApiDocument((await res.json()) as Json);
  }

  /** What in the exchange the document does not allow; empty when it all agrees. */
  check(exchange: Exchange): string[] {
    const label = `${exchange.method} ${exchange.path} → ${exchange.status}`;
    const path = exchange.path.split('?')[0]!.replace(/(.)\/+$/, '$1');
    const template = this.templates.find((t) => t.pattern.test(path))?.template;
    const operation = template ? (this.document.paths[template][exchange.method.toLowerCase()] as Json | undefined) : undefined;
    if (!template || !operation) {
      // A route the API does not serve, answered as such: the document and the API agree.
      const unserved = exchange.status === 404 && mediaType(exchange.contentType) === 'application/problem+json';
      return unserved ? [] : [`${label}: the document has no ${exchange.method} ${path}, yet the API answered it`];
    }
    const at = ['paths', template, exchange.method.toLowerCase()];
    const problems = [...this.checkRequest(exchange, operation, at), ...this.checkResponse(exchange, operation, at)];
    return problems.map((p) => `${label} (${template}): ${p}`);
  }

  private checkRequest(exchange: Exchange, operation: Json, at: string[]): string[] {
    if (exchange.body === undefined || typeof exchange.body === 'string') return [];
    const form = exchange.body instanceof URLSearchParams;
    const type = form ? 'application/x-www-form-urlencoded' : 'application/json';
    const body = form ? Object.fromEntries(exchange.body as URLSearchParams) : exchange.body;
    const content = operation.requestBody?.content as Json | undefined;
    // A route that reads no body ignores one (the fuzz tests send them everywhere); its answer is still judged.
    if (!operation.requestBody) return [];
    if (!content?.[type]) return exchange.status < 400 ? [`a ${type} body was accepted, but the operation takes ${Object.keys(content ?? {}).join(' or ')}`] : [];
    const errors = this.validate([...at, 'requestBody', 'content', type, 'schema'], body);
    // The server checks more than a schema can say (references, a robot's organization), so a
    // body the document accepts may still be refused; one it refuses must never be accepted.
    return errors.length && exchange.status < 400 ? [`the request body is not what the document allows, yet it was accepted: ${errors.join('; ')}`] : [];
  }

  private checkResponse(exchange: Exchange, operation: Json, at: string[]): string[] {
    const status = String(exchange.status);
    const key = status in operation.responses ? status : 'default' in operation.responses ? 'default' : undefined;
    if (!key) return [`status ${status} is not documented`];
    let response = operation.responses[key] as Json;
    let where = [...at, 'responses', key];
    if (response.$ref) {
      where = (response.$ref as string).replace(/^#\//, '').split('/');
      response = where.reduce((node: Json, part) => node[part.replaceAll('~1', '/').replaceAll('~0', '~')], this.document);
    }
    const content = response.content as Json | undefined;
    if (!content) return exchange.text === '' ? [] : [`status ${status} is documented without a body, but one came: ${exchange.text.slice(0, 200)}`];
    const type = mediaType(exchange.contentType);
    if (!(type in content)) return [`the answer is ${type || 'untyped'}, the document says ${Object.keys(content).join(' or ')}`];
    if (!content[type].schema || !type.endsWith('json')) return [];
    let body: unknown;
    try {
      body = JSON.parse(exchange.text);
    } catch {
      return [`the ${type} answer is not JSON: ${exchange.text.slice(0, 200)}`];
    }
    const errors = this.validate([...where, 'content', type, 'schema'], body);
    return errors.length ? [`the answer does not match its schema: ${errors.join('; ')} in ${exchange.text.slice(0, 500)}`] : [];
  }

  /** The schema at `where` in the document (its references resolved there) applied to `value`. */
  private validate(where: string[], value: unknown): string[] {
    const ref = `openapi.json#/${pointer(...where)}`;
    let validate = this.validators.get(ref);
    if (!validate) this.validators.set(ref, (validate = this.ajv.compile({ $ref: ref })));
    if (validate(value)) return [];
    return (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '(body)'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${e.params.additionalProperty})` : ''}`);
  }
}

const documents = new Map<string, Promise<ApiDocument>>();

/** The document of the API at `apiUrl`, fetched once per deployment. */
export function apiDocumentOf(apiUrl: string): Promise<ApiDocument> {
  let document = documents.get(apiUrl);
  if (!document) {
    document = ApiDocument.load(apiUrl);
    documents.set(apiUrl, document);
    // A deployment that was not up yet is asked again next time.
    document.catch(() => documents.delete(apiUrl));
  }
  return document;
}

/**
 * `fetch` for the API's own routes, checked like `apiClient`'s exchanges: for the tests that
 * need what `apiClient` does not give (other credentials, headers, the routes outside `/api/v1`).
 * Answers a `Response` to read as usual.
 */
export async function documentedFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(url, init);
  const text = await res.text();
  const { origin, pathname, search } = new URL(url);
  let body: unknown = init.body ?? undefined;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      // Sent as it is (not JSON): no schema reads it, and the answer is judged alone.
    }
  }
  await assertDocumented(origin, { method: init.method ?? 'GET', path: `${pathname}${search}`, body, status: res.status, contentType: res.headers.get('content-type'), text });
  return new Response([101, 204, 205, 304].includes(res.status) ? null : text, { status: res.status, statusText: res.statusText, headers: res.headers });
}

/** Throws when the document does not allow an exchange: the test that made it fails, naming what disagrees. */
export async function assertDocumented(apiUrl: string, exchange: Exchange): Promise<void> {
  const problems = (await apiDocumentOf(apiUrl)).check(exchange);
  if (problems.length) throw new Error(`the API and its OpenAPI document disagree:\n${problems.join('\n')}`);
}
