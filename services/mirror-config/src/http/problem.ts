import { z } from 'zod';
import type { Response } from 'express';
import type { FieldProblem } from '@ferry/mirror';
import { responseSchema } from './operation';

/** The stable codes of the edge's own errors; `EDGE_ERRORS` (edge-errors.ts) maps each at both edges. */
export type EdgeErrorCode =
  | 'INVALID_REQUEST'
  | 'NOT_FOUND'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'SIGN_IN_THROTTLED'
  | 'HOOK_RATE_LIMITED'
  | 'READ_MODEL_BEHIND'
  | 'PREVIEW_FAILED';

/** An error the API's services throw for the edge to answer: its literal `code` picks its row of `EDGE_ERRORS`. */
export abstract class EdgeError extends Error {
  abstract readonly code: EdgeErrorCode;
}

/** A request refused before anything was appended; the edge answers 400 naming each field. */
export class InvalidRequestError extends EdgeError {
  readonly code = 'INVALID_REQUEST' as const;
  constructor(readonly problems: FieldProblem[]) {
    super(problems.map((p) => `${p.field} ${p.message}`).join('; '));
  }
}

/** A resource the path names does not exist. */
export class NotFoundError extends EdgeError {
  readonly code = 'NOT_FOUND' as const;
}

/**
 * No credential, or one that is not good (malformed, unknown, expired, revoked): 401 with
 * `WWW-Authenticate: Bearer`, or gRPC UNAUTHENTICATED. `invalid` says a credential was sent.
 */
export class UnauthenticatedError extends EdgeError {
  readonly code = 'UNAUTHENTICATED' as const;
  constructor(
    message: string,
    readonly invalid: boolean,
  ) {
    super(message);
  }
}

/** A good credential without the permission the route declares: 403, or gRPC PERMISSION_DENIED. */
export class ForbiddenError extends EdgeError {
  readonly code = 'FORBIDDEN' as const;
}

/** Too many failed sign-ins from this user or address: 429 with Retry-After. */
export class SignInThrottledError extends EdgeError {
  readonly code = 'SIGN_IN_THROTTLED' as const;
  constructor(readonly retryAfterSeconds: number) {
    super(`too many failed sign-ins; try again in ${retryAfterSeconds} s`);
  }
}

/** A hook received more deliveries than its rate allows: 429 with Retry-After; the delivery did nothing. */
export class HookRateLimitedError extends EdgeError {
  readonly code = 'HOOK_RATE_LIMITED' as const;
  constructor(readonly retryAfterSeconds: number) {
    super(`this hook receives too many deliveries; try again in ${retryAfterSeconds} s`);
  }
}

/**
 * The command was stored, but the API's read models have not shown it in time (a projection is
 * stuck or slow): 503 with Retry-After and a stable code, never a 500 or a stale answer.
 */
export class ReadModelBehindError extends EdgeError {
  readonly code = 'READ_MODEL_BEHIND' as const;
}

/**
 * A preview could not read the registries (the upstream is unreachable, refuses the mirror's
 * credentials, has no such repository...): 422, naming the registry's or the engine's code.
 */
export class PreviewFailedError extends EdgeError {
  readonly code = 'PREVIEW_FAILED' as const;
  constructor(
    readonly reason: string,
    message: string,
    /** The body's field the failure is about (a connection check names it), shown in `errors`. */
    readonly field?: string,
  ) {
    super(`${reason}: ${message}`);
  }
}

/** RFC 9457 problem details, as every error response of the API. */
export const PROBLEM_DETAILS = responseSchema(
  'Problem',
  z
    .object({
      type: z.string(),
      title: z.string(),
      status: z.number().int(),
      detail: z.string(),
      /** Stable: INVALID_REQUEST, NOT_FOUND, UNAUTHENTICATED, FORBIDDEN, MIRROR_ALREADY_EXISTS, READ_MODEL_BEHIND, DEPENDENCY_UNAVAILABLE... */
      code: z.string(),
      /** A 400's bad fields, each named as the body writes it (`external_registry_config.proxy.no_proxy`, `tags[2]`). */
      errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
      /** Quay's error fields, which Quay's clients read on 401 and 403. */
      error_type: z.string().optional(),
      error_message: z.string().optional(),
    })
    .meta({ description: 'RFC 9457 problem details (application/problem+json): every error of the API.' }),
);
export type ProblemDetails = z.output<typeof PROBLEM_DETAILS>;

/** Writes a problem as the API answers every error: its status, `application/problem+json`, the body. */
export function sendProblem(res: Response, problem: ProblemDetails): void {
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}
