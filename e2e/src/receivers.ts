import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** A real HTTP server that records every request (webhook receiver, OTLP collector); `status` may change its answer over time. */
export async function startReceiver(status: number | (() => number) = 200): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      requests.push({ path: req.url ?? '/', headers: req.headers, body: Buffer.concat(parts).toString('utf8') });
      res.writeHead(typeof status === 'number' ? status : status(), { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An OTLP attribute value, as the JSON encoding carries it (64-bit integers may come as strings). */
type OtlpValue = { stringValue?: string; intValue?: number | string; doubleValue?: number; boolValue?: boolean };

/** One exported span: its service, name, ids and attributes. */
export interface ExportedSpan {
  service: string;
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  attributes: Record<string, string | number | boolean>;
}

function attributeValue(v: OtlpValue): string | number | boolean {
  if (v.intValue !== undefined) return Number(v.intValue);
  return v.stringValue ?? v.doubleValue ?? v.boolValue ?? '';
}

/** The spans in OTLP/HTTP JSON export requests, flattened. */
export function exportedSpans(collector: Receiver): ExportedSpan[] {
  const spans: ExportedSpan[] = [];
  for (const request of collector.requests) {
    if (!request.path.endsWith('/v1/traces')) continue;
    const body = JSON.parse(request.body) as {
      resourceSpans: Array<{
        resource: { attributes: Array<{ key: string; value: OtlpValue }> };
        scopeSpans: Array<{ spans: Array<{ name: string; traceId: string; spanId: string; parentSpanId?: string; attributes?: Array<{ key: string; value: OtlpValue }> }> }>;
      }>;
    };
    for (const rs of body.resourceSpans) {
      const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '?';
      for (const ss of rs.scopeSpans) {
        for (const span of ss.spans) {
          const attributes = Object.fromEntries((span.attributes ?? []).map((a) => [a.key, attributeValue(a.value)]));
          spans.push({ service, name: span.name, traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId || undefined, attributes });
        }
      }
    }
  }
  return spans;
}
