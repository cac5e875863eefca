import { context, propagation, ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import type { EventMetadata } from '@ferry/contracts';

/** The W3C trace context of the active span, to stamp on an event. */
export function currentTraceContext(): Pick<EventMetadata, 'traceparent' | 'tracestate'> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return {
    ...(carrier.traceparent ? { traceparent: carrier.traceparent } : {}),
    ...(carrier.tracestate ? { tracestate: carrier.tracestate } : {}),
  };
}

/** The context an event was produced in, so the work it causes joins the same trace. */
export function eventTraceContext(event: Pick<EventMetadata, 'traceparent' | 'tracestate'>): Context {
  if (!event.traceparent) return ROOT_CONTEXT;
  const carrier: Record<string, string> = { traceparent: event.traceparent };
  if (event.tracestate) carrier.tracestate = event.tracestate;
  return propagation.extract(ROOT_CONTEXT, carrier);
}

/** The trace id a W3C `traceparent` names (`00-<trace id>-<span id>-<flags>`), or null for none or a malformed one. */
export function traceIdOf(traceparent: string | null | undefined): string | null {
  const match = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent ?? '');
  return match && !/^0+$/.test(match[1]!) ? match[1]! : null;
}
