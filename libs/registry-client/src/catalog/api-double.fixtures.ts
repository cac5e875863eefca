// Test fixtures: a tiny HTTP server speaking a product API's documented JSON (Quay, Harbor, Docker
// Hub are not available here). Not exported from the index.
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { RepositoryListerOptions } from './repository-source';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  body: string;
}

export interface DoubleAnswer {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  /** A body that is not JSON. */
  text?: string;
}

export interface ApiDouble {
  /** `http://127.0.0.1:<port>` */
  url: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startApiDouble(answer: (req: RecordedRequest) => DoubleAnswer): Promise<ApiDouble> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://double');
      const recorded = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, authorization: req.headers.authorization, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      const a = answer(recorded);
      const body = a.text ?? (a.json === undefined ? '' : JSON.stringify(a.json));
      res.writeHead(a.status ?? 200, { 'content-type': a.text === undefined ? 'application/json' : 'text/html', ...(a.headers ?? {}) }).end(body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A lister's options for a double on loopback: admitted by the address guard, retries quick. */
export const LOOPBACK_OPTIONS: RepositoryListerOptions = {
  addressGuard: { allowedHosts: ['127.0.0.1'] },
  retry: { maxAttempts: 2, baseMs: 1, maxMs: 1 },
};

/** Every page of a listing, resuming with each cursor. */
export async function allPages(listPage: (cursor: string | null) => Promise<{ repositories: string[]; next: string | null }>, from: string | null = null) {
  const pages: Array<{ repositories: string[]; next: string | null }> = [];
  let cursor = from;
  do {
    const page = await listPage(cursor);
    pages.push(page);
    cursor = page.next;
  } while (cursor !== null && pages.length < 1000);
  return pages;
}

/** The error a listing failed with (the test fails if it did not). */
export async function failureOf(listing: Promise<unknown>): Promise<Error & { code: string; retryable: boolean; status?: number }> {
  try {
    await listing;
  } catch (error) {
    return error as Error & { code: string; retryable: boolean; status?: number };
  }
  throw new Error('the listing succeeded');
}
