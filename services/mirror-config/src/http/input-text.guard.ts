import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { TEXT_LIMITS, textViolations } from '@ferry/contracts';
import { InvalidRequestError } from './problem';

type HttpRequest = { params?: Record<string, unknown>; query?: unknown; body?: unknown };

/**
 * The first guard of every HTTP route and gRPC method, before the permission guard looks
 * anything up: every string of the path, the query and the body (or the gRPC message) must be
 * storable text (`textProblem`), else the call is a 400 naming the field and changes nothing.
 */
@Injectable()
export class InputTextGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const violations =
      context.getType() === 'rpc'
        ? textViolations(context.switchToRpc().getData(), '', TEXT_LIMITS.body)
        : this.http(context.switchToHttp().getRequest<HttpRequest>());
    if (violations.length) throw new InvalidRequestError(violations);
    return true;
  }

  private http(request: HttpRequest) {
    return [
      ...textViolations(request.params ?? {}, '', TEXT_LIMITS.pathParameter),
      ...textViolations(request.query ?? {}, '', TEXT_LIMITS.query),
      ...textViolations(request.body, '', TEXT_LIMITS.body),
    ];
  }
}
