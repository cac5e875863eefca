import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Actor } from '@ferry/contracts';
import type { Causation } from '@ferry/event-store';
import type { Caller } from '@ferry/identity';

/**
 * The caller the guard established, per request: keyed by the HTTP request object, or by the
 * gRPC call's metadata object (the one handed to the handler too).
 */
const callers = new WeakMap<object, Caller | null>();

export function rememberCaller(request: object, caller: Caller | null): void {
  callers.set(request, caller);
}

export function callerOf(request: object): Caller | null {
  return callers.get(request) ?? null;
}

/** The caller of a route whose permission requires one (every route but the public ones). */
export function signedInCaller(request: object): Caller {
  const caller = callerOf(request);
  if (!caller) throw new Error('no caller: the route must declare a permission that requires one');
  return caller;
}

export function actorOf(caller: Caller | null): Actor {
  if (caller === null) return { kind: 'anonymous', name: 'anonymous' };
  if (caller.kind === 'robot') return { kind: 'robot', name: caller.username };
  return caller.tokenId ? { kind: 'user', name: caller.username, tokenId: caller.tokenId } : { kind: 'user', name: caller.username };
}

/** The correlation of everything one call causes (the caller's request id, or a new one) and who is acting. */
export function causationOf(request: object, requestId: string | undefined): Causation {
  const id = typeof requestId === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(requestId) ? requestId : randomUUID();
  return { correlationId: id, causationId: id, actor: actorOf(callerOf(request)) };
}

type HttpRequest = { headers: Record<string, string | string[] | undefined> };

/** `@Cause() causation` in an HTTP handler: X-Request-Id and the signed-in caller. */
export const Cause = createParamDecorator((_: unknown, context: ExecutionContext): Causation => {
  const request = context.switchToHttp().getRequest<HttpRequest>();
  const id = request.headers['x-request-id'];
  return causationOf(request, typeof id === 'string' ? id : undefined);
});

/** `@CurrentCaller() caller` in an HTTP handler of a route that requires a signed-in caller. */
export const CurrentCaller = createParamDecorator((_: unknown, context: ExecutionContext): Caller => signedInCaller(context.switchToHttp().getRequest<object>()));
