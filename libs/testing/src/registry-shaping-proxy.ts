import { createServer, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Transform, type TransformCallback } from 'node:stream';

/** Hooks of a {@link startShapingProxy}. */
export interface ShapingRules {
  /** Answer a request itself (return true) instead of forwarding it: injected faults, fake APIs, redirects. */
  answer?: (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
  /** Change the headers of a forwarded answer (e.g. add `RateLimit-Remaining`). */
  answerHeaders?: (req: IncomingMessage, headers: OutgoingHttpHeaders, status: number) => OutgoingHttpHeaders;
  /** Request lines (`METHOD path`) whose concurrency to track, for {@link ShapingProxy.maxInFlight}. */
  track?: RegExp[];
  /** Slows every forwarded answer body to this many bytes per second (0: full speed). */
  bytesPerSecond?: () => number;
  /** Called as each request arrives; what it returns is called once the answer is done. */
  observe?: (req: IncomingMessage) => (() => void) | void;
}

/** Passes bytes on at a rate read for each chunk, so a test can change it mid-transfer. */
class Throttle extends Transform {
  constructor(private readonly rate: () => number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const rate = this.rate();
    if (rate <= 0) return done(null, chunk);
    setTimeout(() => done(null, chunk), (chunk.length / rate) * 1000);
  }
}

/** A reverse proxy in front of a registry that tests can steer. */
export interface ShapingProxy {
  /** `127.0.0.1:<port>`, for an upstream reference. */
  host: string;
  url: string;
  /** `METHOD path` of every request received, in order. */
  readonly seen: readonly string[];
  /** The most requests matching a tracked pattern (see {@link ShapingRules.track}) in flight at one moment. */
  maxInFlight(pattern: RegExp): number;
  stop(): Promise<void>;
}

/**
 * Starts a reverse proxy in front of `backendUrl` (a plain-http registry) whose answers a test
 * can replace or reshape. The Host header passes unchanged, so upload locations point back here.
 */
export async function startShapingProxy(backendUrl: string, rules: ShapingRules = {}): Promise<ShapingProxy> {
  const backend = new URL(backendUrl);
  const seen: string[] = [];
  const inFlight: string[] = [];
  const peaks = new Map<string, number>();
  const trackers = rules.track ?? [];
  const server = createServer(async (req, res) => {
    const line = `${req.method} ${req.url}`;
    seen.push(line);
    inFlight.push(line);
    for (const t of trackers) {
      const n = inFlight.filter((l) => t.test(l)).length;
      peaks.set(t.source, Math.max(peaks.get(t.source) ?? 0, n));
    }
    const finished = rules.observe?.(req);
    res.once('close', () => {
      inFlight.splice(inFlight.indexOf(line), 1);
      finished?.();
    });
    if (rules.answer && (await rules.answer(req, res))) return;
    const out = httpRequest(
      { host: backend.hostname, port: Number(backend.port), method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const status = answer.statusCode ?? 502;
        res.writeHead(status, rules.answerHeaders ? rules.answerHeaders(req, { ...answer.headers }, status) : answer.headers);
        (rules.bytesPerSecond ? answer.pipe(new Throttle(rules.bytesPerSecond)) : answer).pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    seen,
    maxInFlight: (pattern) => peaks.get(pattern.source) ?? 0,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
