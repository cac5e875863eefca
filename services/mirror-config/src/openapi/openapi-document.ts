import { z } from 'zod';
import { TEXT_LIMITS } from '@ferry/contracts';
import type { Requirement } from '@ferry/identity';
import { describeRequirement } from '../auth/permission.guard';
import type { RouteEntry } from '../auth/route-table';
import { PROBLEM_DETAILS } from '../http/problem';
import { REQUEST_SCHEMAS, RESPONSE_SCHEMAS, type OperationSpec, type ResponseSpec } from '../http/operation';

type Json = Record<string, unknown>;

const COMPONENT = (id: string) => `#/components/schemas/${id}`;
const STATUS_TEXT: Record<number, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No content', 302: 'Found (see Location)' };

/** What the document says of errors: problem+json, by status. */
const ERRORS: Record<string, string> = {
  '400': 'Invalid request: the problem names each bad field (`errors`); nothing was changed.',
  '401': 'No credential, or one that is not good (WWW-Authenticate: Bearer).',
  '403': 'The credential is good, but lacks the permission this operation declares (`x-ferry-requires`).',
  '404': 'What the path names does not exist.',
  '503': 'A dependency (NATS, Postgres) is away, or the read models are behind; Retry-After says when to try again.',
  default: 'Any other error, as problem+json (409 for a conflict, 429 with Retry-After after failed sign-ins).',
};

/** Path parameters as the document writes them, and what each names. */
const PATH_PARAMETERS: Record<string, string> = {
  namespace: 'An organization (or a user\'s own namespace).',
  repository: 'A repository of the namespace.',
  username: 'A user (or a robot as namespace+name).',
  uuid: 'A notification rule\'s or API token\'s id.',
  runId: 'A sync run\'s id.',
  name: 'A robot\'s short name.',
  id: 'A notification\'s id.',
  hookId: 'An upstream push hook\'s id.',
  tag: 'A tag of the target repository.',
};

export interface ApiDocument {
  document: Json;
  /** HTTP routes without an `@Operation`, as `Controller.handler`: the document's unit test fails on any. */
  undocumented: string[];
}

/**
 * The OpenAPI 3.1 document of the whole HTTP API, from the route table (every route Nest serves,
 * with its `@Requires`) and each route's `@Operation`: the schemas the handlers validate requests
 * with and derive their views' types from. Nothing in it is written by hand but the prose.
 */
export function openApiDocument(routes: readonly RouteEntry[], version: string): ApiDocument {
  const paths: Record<string, Record<string, Json>> = {};
  const undocumented: string[] = [];
  for (const route of routes) {
    if (!route.http) continue;
    if (!route.operation) {
      undocumented.push(`${route.controller}.${route.handler}`);
      continue;
    }
    const path = route.http.path.replace(/:([A-Za-z]+)/g, '{$1}');
    (paths[path] ??= {})[route.http.method.toLowerCase()] = operation(route, route.operation);
  }
  return {
    undocumented,
    document: {
      openapi: '3.1.0',
      jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
      info: {
        title: 'Ferry API',
        version,
        description:
          'Ferry mirrors container repositories the way Quay\'s repository mirroring does, with Quay\'s paths and field names, plus run history, per-tag results, notifications and richer tag rules. ' +
          'Quay\'s bodies are lenient: fields a schema does not know are ignored and named in a `Warning: 299` header. Every string of a path, query or body must be well-formed Unicode without control characters.',
      },
      paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
      components: {
        schemas: allComponents(),
        responses: {
          Problem: { description: 'An error, as RFC 9457 problem details.', content: { 'application/problem+json': { schema: { $ref: COMPONENT(idOf(RESPONSE_SCHEMAS, PROBLEM_DETAILS)!) } } } },
        },
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token (`POST /api/v1/user/apptoken`), a robot\'s token, or an OIDC token where FERRY_OIDC_ISSUER is set.' },
          basic: { type: 'http', scheme: 'basic', description: 'A user name and password, or a token as the password (what docker, skopeo and Quay\'s clients send).' },
          hookSecret: { type: 'http', scheme: 'bearer', description: 'An upstream push hook\'s secret (shown when the hook is made or its secret rotated), for `POST /api/v1/hooks/{hookId}` only.' },
          hookSignature: { type: 'apiKey', in: 'header', name: 'X-Hub-Signature-256', description: 'GitHub\'s `sha256=<hex>`: HMAC-SHA256 of the body keyed with the secret of an `hmac-sha256` hook.' },
          hookQuery: { type: 'apiKey', in: 'query', name: 'secret', description: 'The hook\'s secret in the URL, for senders that can set no header (Docker Hub, Quay): keep such a URL as private as the secret.' },
          session: { type: 'apiKey', in: 'cookie', name: 'ferry_session', description: 'The web console\'s session (POST /api/v1/signin); a POST, PUT or DELETE with it also needs its CSRF token in X-CSRF-Token.' },
        },
      },
    },
  };
}

function operation(route: RouteEntry, spec: OperationSpec): Json {
  const requirement = route.requirement!;
  const names = [...route.http!.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
  const parameters = [
    ...names.map((name) => ({ name, in: 'path', required: true, description: PATH_PARAMETERS[name], schema: { type: 'string', minLength: 1, maxLength: TEXT_LIMITS.pathParameter } })),
    ...Object.entries(spec.query?.shape ?? {}).map(([name, field]) => {
      const schema = inline(field as z.ZodType, 'input');
      return { name, in: 'query', required: !(field as z.ZodType).safeParse(undefined).success, ...(schema.description ? { description: schema.description } : {}), schema };
    }),
  ];
  const quay = spec.body !== undefined && REQUEST_SCHEMAS.get(spec.body)?.quay === true;
  const warning = quay ? { Warning: { description: 'Set when fields Quay\'s schema does not know were ignored: `299 ferry "unknown fields ignored: a, b.c"`.', schema: { type: 'string' } } } : undefined;
  const responses: Record<string, Json> = {};
  for (const [status, response] of Object.entries(spec.responses)) responses[status] = success(Number(status), response, warning);
  const errors = ['400', ...(requirement.kind === 'public' ? [] : requirement.kind === 'hook-secret' ? ['401'] : ['401', '403']), ...(names.length ? ['404'] : []), '503', 'default'];
  // A status the route answers with a body of its own (readyz's 503) keeps it.
  for (const status of errors) responses[status] ??= { description: ERRORS[status], $ref: '#/components/responses/Problem' };
  return {
    operationId: `${route.controller.replace(/Controller$/, '').replace(/^./, (c) => c.toLowerCase())}.${route.handler}`,
    tags: [tagOf(route.http!.path)],
    summary: spec.summary,
    description: [spec.description, `Requires: ${describeRequirement(requirement)}.`, quay ? 'Quay\'s leniency: fields the body schema does not know are ignored and named in a `Warning` header.' : undefined]
      .filter(Boolean)
      .join('\n\n'),
    'x-ferry-requires': requirement,
    security: security(requirement),
    parameters,
    ...(spec.body
      ? {
          requestBody: {
            required: !quay,
            content: { [spec.bodyContentType ?? 'application/json']: { schema: ref(REQUEST_SCHEMAS, spec.body, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

function success(status: number, response: ResponseSpec, headers: Json | undefined): Json {
  const description = STATUS_TEXT[status] ?? String(status);
  const common = { description, ...(headers && status < 300 ? { headers } : {}) };
  if (response === null) return common;
  if (response instanceof z.ZodType) return { ...common, content: { 'application/json': { schema: ref(RESPONSE_SCHEMAS, response, 'output') } } };
  return { ...common, description: response.description, content: { [response.contentType]: response.schema ? { schema: ref(RESPONSE_SCHEMAS, response.schema, 'output') } : {} } };
}

/** Public routes take no credential; every other takes a bearer token, Basic credentials or the console's session cookie. */
function security(requirement: Requirement): Json[] {
  if (requirement.kind === 'hook-secret') return [{ hookSecret: [] }, { hookSignature: [] }, { hookQuery: [] }];
  return requirement.kind === 'public' ? [] : [{ bearer: [] }, { basic: [] }, { session: [] }];
}

/** The section of the API a path is in: Quay's resource (`repository`, `organization`, `user`...), or the path's own name. */
function tagOf(path: string): string {
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'api' && parts[1] === 'v1') {
    if (parts[2] === 'repository' && parts.length > 5 && parts[5] !== 'permissions') return parts[5] === 'notification' ? 'notifications' : 'mirror';
    if (parts.includes('notification') || parts.includes('notifications')) return 'notifications';
    if (parts.includes('robots')) return 'robots';
    if (parts.includes('permissions')) return 'permissions';
    return parts[2] ?? 'api';
  }
  return parts[0] === 'v2' ? 'registry-auth' : 'operations';
}

function idOf(registry: z.core.$ZodRegistry<{ id: string }>, schema: z.ZodType): string | undefined {
  return registry.get(schema)?.id;
}

/** A registered schema by reference; any other inline (a route's own small schema). */
function ref(registry: z.core.$ZodRegistry<{ id: string }>, schema: z.ZodType, io: 'input' | 'output'): Json {
  const id = idOf(registry, schema);
  return id ? { $ref: COMPONENT(id) } : inline(schema, io);
}

const CONVERSION = { target: 'draft-2020-12', unrepresentable: 'any', uri: COMPONENT } as const;

/** JSON Schema of one schema, its named parts by reference. */
function inline(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { ...CONVERSION, io, metadata: io === 'input' ? REQUEST_SCHEMAS : RESPONSE_SCHEMAS }) as Json;
  return json;
}

/** Request schemas as clients write them, responses as Ferry writes them: one name each. */
function allComponents(): Record<string, Json> {
  const requests = components(REQUEST_SCHEMAS, 'input');
  const responses = components(RESPONSE_SCHEMAS, 'output');
  const both = Object.keys(requests).filter((id) => id in responses);
  if (both.length) throw new Error(`schema names used for both a request and a response: ${both.join(', ')}`);
  return { ...requests, ...responses };
}

/** Every named schema of a registry, as the document's components. */
function components(registry: z.core.$ZodRegistry<{ id: string }>, io: 'input' | 'output'): Record<string, Json> {
  const { schemas } = z.toJSONSchema(registry, { ...CONVERSION, io }) as { schemas: Record<string, Json> };
  return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _s, $id: _i, ...schema }]) => [id, schema]));
}
