import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, DomainErrorCode } from '@ferry/mirror';
import { errorText, unavailableDependency } from '@ferry/service-runtime';
import { ForbiddenError, HookRateLimitedError, InvalidRequestError, NotFoundError, PreviewFailedError, ReadModelBehindError, SignInThrottledError, UnauthenticatedError, type ProblemDetails } from './problem';

/** Seconds a client should wait before trying again while a dependency is away. */
const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

const DOMAIN_STATUS: Record<DomainErrorCode, number> = {
  [DomainErrorCode.MirrorNotFound]: 404,
  [DomainErrorCode.OrgMirrorNotFound]: 404,
  // Quay answers 400 for each of the organization mirror's refusals.
  [DomainErrorCode.OrgMirrorAlreadyExists]: 400,
  [DomainErrorCode.OrganizationNotEmpty]: 400,
  [DomainErrorCode.DiscoveryInProgress]: 400,
  [DomainErrorCode.AlreadyCancelled]: 400,
  [DomainErrorCode.ManagedByOrgMirror]: 400,
  [DomainErrorCode.RuleNotFound]: 404,
  [DomainErrorCode.HookNotFound]: 404,
  [DomainErrorCode.RobotNotFound]: 404,
  [DomainErrorCode.UserNotFound]: 404,
  [DomainErrorCode.TokenNotFound]: 404,
  [DomainErrorCode.OrganizationNotFound]: 404,
  [DomainErrorCode.RepositoryNotFound]: 404,
  [DomainErrorCode.PermissionNotFound]: 404,
  [DomainErrorCode.UserAlreadyExists]: 409,
  [DomainErrorCode.OrganizationAlreadyExists]: 409,
  [DomainErrorCode.RepositoryAlreadyExists]: 409,
  [DomainErrorCode.MirrorAlreadyExists]: 409,
  [DomainErrorCode.SyncInProgress]: 409,
  [DomainErrorCode.NothingToCancel]: 409,
  [DomainErrorCode.StaleRun]: 409,
  [DomainErrorCode.RobotAlreadyExists]: 409,
  [DomainErrorCode.RuleAlreadyExists]: 409,
  [DomainErrorCode.HookAlreadyExists]: 409,
};

function problemFor(error: unknown): ProblemDetails {
  if (error instanceof InvalidRequestError) {
    return {
      type: 'https://ferry.dev/problems/invalid-request',
      title: 'Invalid request',
      status: 400,
      code: error.code,
      detail: error.message,
      errors: error.problems,
    };
  }
  if (error instanceof DomainError) {
    const status = DOMAIN_STATUS[error.code];
    const title = status === 404 ? 'Not found' : status === 400 ? 'Bad request' : 'Conflict';
    return { type: `https://ferry.dev/problems/${error.code.toLowerCase().replaceAll('_', '-')}`, title, status, code: error.code, detail: error.message };
  }
  if (error instanceof UnauthenticatedError) {
    // Quay's fields too: its clients read error_type on a 401.
    return { type: 'https://ferry.dev/problems/unauthenticated', title: 'Unauthorized', status: 401, code: error.code, detail: error.message, error_type: 'invalid_token', error_message: error.message };
  }
  if (error instanceof ForbiddenError) {
    return { type: 'https://ferry.dev/problems/forbidden', title: 'Forbidden', status: 403, code: error.code, detail: error.message, error_type: 'insufficient_scope', error_message: error.message };
  }
  if (error instanceof SignInThrottledError) {
    return { type: 'https://ferry.dev/problems/sign-in-throttled', title: 'Too many requests', status: 429, code: error.code, detail: error.message };
  }
  if (error instanceof HookRateLimitedError) {
    return { type: 'https://ferry.dev/problems/hook-rate-limited', title: 'Too many requests', status: 429, code: error.code, detail: error.message };
  }
  if (error instanceof ReadModelBehindError) {
    return { type: 'https://ferry.dev/problems/read-model-behind', title: 'Service unavailable', status: 503, code: error.code, detail: error.message };
  }
  if (error instanceof PreviewFailedError) {
    return { type: 'https://ferry.dev/problems/preview-failed', title: 'Unprocessable content', status: 422, code: error.code, detail: error.message };
  }
  if (error instanceof NotFoundError) {
    return { type: 'https://ferry.dev/problems/not-found', title: 'Not found', status: 404, code: error.code, detail: error.message };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    // Express's body parser reports unparseable JSON this way.
    const detail = status === 400 ? 'the request body is not valid JSON' : error.message;
    return {
      type: 'about:blank',
      title: status === 400 ? 'Invalid request' : error.name,
      status,
      code: status === 400 ? 'INVALID_REQUEST' : `HTTP_${status}`,
      detail,
      ...(status === 400 ? { errors: [{ field: '(body)', message: 'must be valid JSON' }] } : {}),
    };
  }
  const away = unavailableDependency(error);
  if (away) {
    return { type: 'https://ferry.dev/problems/dependency-unavailable', title: 'Service unavailable', status: 503, code: 'DEPENDENCY_UNAVAILABLE', detail: `${away} is unreachable; Ferry reconnects on its own: try again shortly` };
  }
  return { type: 'about:blank', title: 'Internal error', status: 500, code: 'INTERNAL', detail: 'the request failed; see the service log' };
}

/** Every error leaves the API as application/problem+json; internals are logged, not returned. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const problem = problemFor(error);
    if (problem.status === 500) Logger.error({ msg: `a request failed: ${errorText(error)}`, err: error }, 'mirror-config');
    else if (problem.status >= 500) Logger.warn(`${problem.code}: ${problem.detail}`, 'mirror-config');
    const response = host.switchToHttp().getResponse<Response>();
    if (error instanceof UnauthenticatedError) {
      response.setHeader('WWW-Authenticate', error.invalid ? 'Bearer realm="ferry", error="invalid_token"' : 'Bearer realm="ferry"');
    }
    if (error instanceof SignInThrottledError || error instanceof HookRateLimitedError) response.setHeader('Retry-After', String(error.retryAfterSeconds));
    if (error instanceof ReadModelBehindError) response.setHeader('Retry-After', '1');
    if (problem.code === 'DEPENDENCY_UNAVAILABLE') response.setHeader('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }
}
