// Test fixtures: sample events and a capturing HTTP receiver. Not exported from the index.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NotifiableEvent } from './notification-payload';

export const STARTED_AT = '2025-03-01T10:00:00.000Z';

export function startedEvent(overrides: Partial<{ mirrorId: string; runId: string }> = {}): NotifiableEvent {
  return {
    id: '0b7e6a52-0c5e-4c8e-9a39-4d3f0b3c1a01',
    type: 'MirrorStarted',
    occurredAt: STARTED_AT,
    data: {
      mirrorId: overrides.mirrorId ?? 'acme/app',
      runId: overrides.runId ?? 'run-42',
      trigger: 'schedule',
      externalReference: 'quay.io/acme/app',
      fencingToken: 7,
      worker: 'worker-1/42',
    },
  };
}

const SUMMARY = { startedAt: '2025-03-01T10:00:00.000Z',
  tagsMatched: ['v3.1', 'v3.2', 'latest'],
  tagsCopied: 2,
  tagsUnchanged: 1,
  tagsDeleted: 1,
  tagsFailed: 0,
  bytesCopied: 5_242_880,
};

export function succeededEvent(): NotifiableEvent {
  return {
    id: '0b7e6a52-0c5e-4c8e-9a39-4d3f0b3c1a02',
    type: 'MirrorSucceeded',
    occurredAt: '2025-03-01T10:01:05.250Z',
    data: { mirrorId: 'acme/app', runId: 'run-42', summary: SUMMARY, nextSyncAt: '2025-03-01T11:00:00.000Z' },
  };
}

export function failedEvent(message = 'upstream answered 401 <unauthorized> & "denied"'): NotifiableEvent {
  return {
    id: '0b7e6a52-0c5e-4c8e-9a39-4d3f0b3c1a03',
    type: 'MirrorFailed',
    occurredAt: '2025-03-01T10:00:30.000Z',
    data: {
      mirrorId: 'acme/app',
      runId: 'run-42',
      summary: { ...SUMMARY, tagsCopied: 1, tagsFailed: 1, tagsDeleted: 0 },
      error: { code: 'UNAUTHORIZED', message },
      retryable: false,
      retriesRemaining: 0,
      consecutiveFailures: 1,
      nextSyncAt: '2025-03-01T11:00:00.000Z',
    },
  };
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpReceiver {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1, port 0, that records each request and answers through
 * `respond` (default 200). `respond` may leave the response open to simulate a hanging receiver.
 */
export async function startHttpReceiver(
  respond: (req: ReceivedRequest, res: ServerResponse) => void = (_req, res) => res.end('ok'),
): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      requests.push(received);
      respond(received, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
