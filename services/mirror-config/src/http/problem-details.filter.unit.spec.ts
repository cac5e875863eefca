import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ArgumentsHost } from '@nestjs/common';
import { BadRequestException } from '@nestjs/common';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { DomainError, DomainErrorCode } from '@ferry/mirror';
import { DependencyUnavailableError } from '@ferry/service-runtime';
import { FERRY_CODE_TRAILER, grpcErrorFor } from '../grpc/grpc-error';
import { EDGE_ERRORS } from './edge-errors';
import { problemFor, ProblemDetailsFilter } from './problem-details.filter';
import {
  ForbiddenError,
  HookRateLimitedError,
  InvalidRequestError,
  NotFoundError,
  PreviewFailedError,
  ReadModelBehindError,
  SignInThrottledError,
  UnauthenticatedError,
  type EdgeError,
} from './problem';

/** What the filter wrote: the status, headers, content type and body. */
function answer(error: unknown) {
  const headers: Record<string, string> = {};
  const written: { status?: number; type?: string; body?: string } = {};
  const res = {
    setHeader: (name: string, value: string) => (headers[name] = value),
    status(code: number) {
      written.status = code;
      return this;
    },
    type(type: string) {
      written.type = type;
      return this;
    },
    send(body: string) {
      written.body = body;
      return this;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => res }) } as unknown as ArgumentsHost;
  new ProblemDetailsFilter().catch(error, host);
  return { ...written, headers, problem: JSON.parse(written.body ?? 'null') as unknown };
}

describe('the HTTP edge\'s answer to each error', () => {
  it('answers each edge error with its status, title, type and code, as it always has', () => {
    const cases: [EdgeError, object][] = [
      [
        new InvalidRequestError([{ field: 'sync_interval', message: 'must be a number' }]),
        { type: 'https://ferry.dev/problems/invalid-request', title: 'Invalid request', status: 400, code: 'INVALID_REQUEST', detail: 'sync_interval must be a number', errors: [{ field: 'sync_interval', message: 'must be a number' }] },
      ],
      [new NotFoundError('no mirror'), { type: 'https://ferry.dev/problems/not-found', title: 'Not found', status: 404, code: 'NOT_FOUND', detail: 'no mirror' }],
      [
        new UnauthenticatedError('sign in', false),
        { type: 'https://ferry.dev/problems/unauthenticated', title: 'Unauthorized', status: 401, code: 'UNAUTHENTICATED', detail: 'sign in', error_type: 'invalid_token', error_message: 'sign in' },
      ],
      [
        new ForbiddenError('needs admin'),
        { type: 'https://ferry.dev/problems/forbidden', title: 'Forbidden', status: 403, code: 'FORBIDDEN', detail: 'needs admin', error_type: 'insufficient_scope', error_message: 'needs admin' },
      ],
      [new SignInThrottledError(7), { type: 'https://ferry.dev/problems/sign-in-throttled', title: 'Too many requests', status: 429, code: 'SIGN_IN_THROTTLED', detail: 'too many failed sign-ins; try again in 7 s' }],
      [
        new HookRateLimitedError(3),
        { type: 'https://ferry.dev/problems/hook-rate-limited', title: 'Too many requests', status: 429, code: 'HOOK_RATE_LIMITED', detail: 'this hook receives too many deliveries; try again in 3 s' },
      ],
      [new ReadModelBehindError('stored'), { type: 'https://ferry.dev/problems/read-model-behind', title: 'Service unavailable', status: 503, code: 'READ_MODEL_BEHIND', detail: 'stored' }],
      [new PreviewFailedError('UNAUTHORIZED', 'the upstream refused'), { type: 'https://ferry.dev/problems/preview-failed', title: 'Unprocessable content', status: 422, code: 'PREVIEW_FAILED', detail: 'UNAUTHORIZED: the upstream refused' }],
      [
        new PreviewFailedError('UNAUTHORIZED', 'the upstream refused these credentials', 'external_registry_password'),
        {
          type: 'https://ferry.dev/problems/preview-failed',
          title: 'Unprocessable content',
          status: 422,
          code: 'PREVIEW_FAILED',
          detail: 'UNAUTHORIZED: the upstream refused these credentials',
          errors: [{ field: 'external_registry_password', message: 'the upstream refused these credentials' }],
        },
      ],
    ];
    assert.deepEqual(new Set(cases.map(([e]) => e.code)), new Set(Object.keys(EDGE_ERRORS)), 'every edge error is checked here');
    for (const [error, body] of cases) {
      const written = answer(error);
      assert.deepEqual(written.problem, body, error.code);
      assert.equal(written.status, (body as { status: number }).status);
      assert.equal(written.type, 'application/problem+json');
    }
  });

  it('answers the deciders\' refusals by their table: 404, 409, and Quay\'s 400', () => {
    assert.deepEqual(problemFor(new DomainError(DomainErrorCode.MirrorAlreadyExists, 'taken')), { type: 'https://ferry.dev/problems/mirror-already-exists', title: 'Conflict', status: 409, code: 'MIRROR_ALREADY_EXISTS', detail: 'taken' });
    assert.deepEqual(problemFor(new DomainError(DomainErrorCode.RobotNotFound, 'no robot')), { type: 'https://ferry.dev/problems/robot-not-found', title: 'Not found', status: 404, code: 'ROBOT_NOT_FOUND', detail: 'no robot' });
    assert.deepEqual(problemFor(new DomainError(DomainErrorCode.ManagedByOrgMirror, 'managed')), { type: 'https://ferry.dev/problems/managed-by-org-mirror', title: 'Bad request', status: 400, code: 'MANAGED_BY_ORG_MIRROR', detail: 'managed' });
  });

  it('answers Express\'s unparseable body, a dependency away, and anything else', () => {
    assert.deepEqual(problemFor(new BadRequestException('Unexpected token')), {
      type: 'about:blank',
      title: 'Invalid request',
      status: 400,
      code: 'INVALID_REQUEST',
      detail: 'the request body is not valid JSON',
      errors: [{ field: '(body)', message: 'must be valid JSON' }],
    });
    const away = answer(new DependencyUnavailableError('NATS'));
    assert.deepEqual(away.problem, { type: 'https://ferry.dev/problems/dependency-unavailable', title: 'Service unavailable', status: 503, code: 'DEPENDENCY_UNAVAILABLE', detail: 'NATS is unreachable; Ferry reconnects on its own: try again shortly' });
    assert.equal(away.headers['Retry-After'], '5');
    assert.deepEqual(problemFor(new Error('postgres://secret')), { type: 'about:blank', title: 'Internal error', status: 500, code: 'INTERNAL', detail: 'the request failed; see the service log' });
  });

  it('sets the headers each refusal asks of a client', () => {
    assert.equal(answer(new UnauthenticatedError('sign in', false)).headers['WWW-Authenticate'], 'Bearer realm="ferry"');
    assert.equal(answer(new UnauthenticatedError('expired', true)).headers['WWW-Authenticate'], 'Bearer realm="ferry", error="invalid_token"');
    assert.equal(answer(new SignInThrottledError(7)).headers['Retry-After'], '7');
    assert.equal(answer(new HookRateLimitedError(3)).headers['Retry-After'], '3');
    assert.equal(answer(new ReadModelBehindError('stored')).headers['Retry-After'], '1');
    assert.deepEqual(answer(new NotFoundError('x')).headers, {});
  });
});

describe('the gRPC edge reads the same table', () => {
  it('answers every edge error with its gRPC status and stable code', () => {
    const expected: Record<string, GrpcStatus> = {
      NOT_FOUND: GrpcStatus.NOT_FOUND,
      UNAUTHENTICATED: GrpcStatus.UNAUTHENTICATED,
      FORBIDDEN: GrpcStatus.PERMISSION_DENIED,
      SIGN_IN_THROTTLED: GrpcStatus.RESOURCE_EXHAUSTED,
      READ_MODEL_BEHIND: GrpcStatus.UNAVAILABLE,
      // 422 at the HTTP edge: the registries cannot be read as the request asks.
      PREVIEW_FAILED: GrpcStatus.FAILED_PRECONDITION,
    };
    const errors = [new NotFoundError('x'), new UnauthenticatedError('x', true), new ForbiddenError('x'), new SignInThrottledError(1), new ReadModelBehindError('x'), new PreviewFailedError('UNAUTHORIZED', 'refused')];
    for (const error of errors) {
      const grpc = grpcErrorFor(error);
      assert.equal(grpc.code, expected[error.code], error.code);
      assert.equal(grpc.details, error.message);
      assert.deepEqual(grpc.metadata.get(FERRY_CODE_TRAILER), [error.code]);
    }
  });

  it('answers a dependency away as UNAVAILABLE', () => {
    const grpc = grpcErrorFor(new DependencyUnavailableError('Postgres'));
    assert.equal(grpc.code, GrpcStatus.UNAVAILABLE);
    assert.deepEqual(grpc.metadata.get(FERRY_CODE_TRAILER), ['DEPENDENCY_UNAVAILABLE']);
  });
});
