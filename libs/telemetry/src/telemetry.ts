import { context, trace, SpanStatusCode, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';

export interface TelemetryOptions {
  serviceName: string;
  /** OTLP/HTTP base URL (`OTEL_EXPORTER_OTLP_ENDPOINT`); without it spans are made but not exported. */
  otlpEndpoint?: string;
}

export interface Telemetry {
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry SDK for one service. Spans are always created, so trace context
 * travels in events and NATS headers even when nothing collects them.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  const spanProcessors: SpanProcessor[] = [];
  if (options.otlpEndpoint) {
    const url = `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces`;
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url }), { scheduledDelayMillis: 500 }));
  } else {
    // Without a processor the SDK registers no tracer at all: spans would be no-ops with no trace
    // id, and a run's trace id (in its API view and its log lines) would not exist.
    spanProcessors.push(new NoopSpanProcessor());
  }
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors,
    instrumentations: [],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}

/**
 * Runs `work` inside a new span (a child of `parent`, or of the active span), ending it with the
 * outcome. Errors are recorded and rethrown.
 */
export async function withSpan<T>(
  name: string,
  work: (span: Span) => Promise<T>,
  options: { parent?: Context; attributes?: Attributes; tracerName?: string } = {},
): Promise<T> {
  const tracer = trace.getTracer(options.tracerName ?? 'ferry');
  const parent = options.parent ?? context.active();
  return tracer.startActiveSpan(name, { attributes: options.attributes }, parent, async (span) => {
    try {
      const result = await work(span);
      span.setStatus({ code: SpanStatusCode.OK });
      return result;
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}
