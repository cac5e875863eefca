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
