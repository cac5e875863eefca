import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Transform, type TransformCallback } from 'node:stream';

/** A registry seen through {@link startSlowUpstream}. */
export interface SlowUpstream {
  /** `127.0.0.1:<port>`, for an upstream reference. */
  host: string;
  url: string;
  /** The most repositories that had requests in flight at the same moment. */
  readonly maxConcurrentRepositories: number;
  /** Requests received, by repository. */
  readonly requestsByRepository: ReadonlyMap<string, number>;
  /** Changes the per-response byte rate (0: unlimited). */
  setBytesPerSecond(rate: number): void;
  /** Answer every request with this status instead of forwarding it (null: forward). */
  failWith(status: number | null): void;
  close(): Promise<void>;
}

class Throttle extends Transform {
  constructor(private readonly rate: () => number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const rate = this.rate();
    if (rate <= 0) return done(null, chunk);
    const delay = (chunk.length / rate) * 1000;
    setTimeout(() => done(null, chunk), delay);
  }
}

const REPOSITORY = /^\/v2\/(.+?)\/(?:manifests|blobs|tags)\//;

/**
 * An HTTP proxy in front of a real registry that slows responses to a byte rate and counts how
 * many repositories are being pulled at once: a large copy that takes seconds, and a witness for
 * per-upstream concurrency caps.
 */
export async function startSlowUpstream(registryUrl: string, options: { bytesPerSecond?: number } = {}): Promise<SlowUpstream> {
  const upstream = new URL(registryUrl);
  let rate = options.bytesPerSecond ?? 0;
  let failure: number | null = null;
  const inFlight = new Map<string, number>();
  const requests = new Map<string, number>();
  let maxConcurrent = 0;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (failure !== null) {
      req.resume();
      res.writeHead(failure, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAVAILABLE","message":"injected"}]}');
      return;
    }
    const repo = REPOSITORY.exec(req.url ?? '')?.[1];
    if (repo) {
      requests.set(repo, (requests.get(repo) ?? 0) + 1);
      inFlight.set(repo, (inFlight.get(repo) ?? 0) + 1);
      maxConcurrent = Math.max(maxConcurrent, [...inFlight.values()].filter((n) => n > 0).length);
    }
    let finished = false;
    const finish = () => {
      if (finished || !repo) return;
      finished = true;
      inFlight.set(repo, (inFlight.get(repo) ?? 1) - 1);
    };
    res.once('close', finish);
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(new Throttle(() => rate)).pipe(res);
      },
    );
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    get maxConcurrentRepositories() {
      return maxConcurrent;
    },
    requestsByRepository: requests,
    setBytesPerSecond: (r) => void (rate = r),
    failWith: (status) => void (failure = status),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
