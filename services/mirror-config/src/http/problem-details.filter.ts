import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from '@ferry/mirror';
import { errorText, unavailableDependency } from '@ferry/service-runtime';
import { DOMAIN_ERRORS, domainTitle, EDGE_ERRORS, problemType } from './edge-errors';
import { EdgeError, HookRateLimitedError, InvalidRequestError, PreviewFailedError, ReadModelBehindError, sendProblem, SignInThrottledError, UnauthenticatedError, type ProblemDetails } from './problem';

/** Seconds a client should wait before trying again while a dependency is away. */
const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** The problem an error is answered with (exported for its spec). */
export function problemFor(error: unknown): ProblemDetails {
  if (error instanceof EdgeError) {
    const { status, title, quayErrorType } = EDGE_ERRORS[error.code];
    return {
      type: problemType(error.code),
      title,
      status,
      code: error.code,
      detail: error.message,
      ...(error instanceof InvalidRequestError ? { errors: error.problems } : {}),
      ...(error instanceof PreviewFailedError && error.field ? { errors: [{ field: error.field, message: error.message.slice(error.reason.length + 2) }] } : {}),
      // Quay's fields too: its clients read error_type on a 401 and a 403.
      ...(quayErrorType ? { error_type: quayErrorType, error_message: error.message } : {}),
    };
  }
  if (error instanceof DomainError) {
    return { type: problemType(error.code), title: domainTitle(error.code), status: DOMAIN_ERRORS[error.code].status, code: error.code, detail: error.message };
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
    sendProblem(response, problem);
  }
}
