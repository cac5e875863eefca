import type { IncomingMessage } from 'node:http';
import { startShapingProxy } from './registry-shaping-proxy';

/** A registry seen through {@link startSlowUpstream}. */
export interface SlowUpstream {
  /** `127.0.0.1:<port>`, for an upstream reference. */
  host: string;
  url: string;
  /** The most repositories that had requests in flight at the same moment. */
  readonly maxConcurrentRepositories: number;
  /** Changes the per-response byte rate (0: unlimited). */
  setBytesPerSecond(rate: number): void;
  /** Answer every request with this status instead of forwarding it (null: forward). */
  failWith(status: number | null): void;
  close(): Promise<void>;
}

const REPOSITORY = /^\/v2\/(.+?)\/(?:manifests|blobs|tags)\//;

/**
 * A registry behind a shaping proxy that slows answers to a byte rate, can fail every request,
 * and counts how many repositories are being pulled at once: a large copy that takes seconds,
 * a flaky upstream, and a witness for per-upstream concurrency caps.
 */
export async function startSlowUpstream(registryUrl: string, options: { bytesPerSecond?: number } = {}): Promise<SlowUpstream> {
  let rate = options.bytesPerSecond ?? 0;
  let failure: number | null = null;
  const inFlight = new Map<string, number>();
  let maxConcurrent = 0;
  const observe = (req: IncomingMessage) => {
    const repo = REPOSITORY.exec(req.url ?? '')?.[1];
    if (!repo) return;
    inFlight.set(repo, (inFlight.get(repo) ?? 0) + 1);
    maxConcurrent = Math.max(maxConcurrent, [...inFlight.values()].filter((n) => n > 0).length);
    return () => void inFlight.set(repo, (inFlight.get(repo) ?? 1) - 1);
  };
  const proxy = await startShapingProxy(registryUrl, {
    bytesPerSecond: () => rate,
    observe,
    answer: (req, res) => {
      if (failure === null) return false;
      req.resume();
      res.writeHead(failure, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAVAILABLE","message":"injected"}]}');
      return true;
    },
  });
  return {
    host: proxy.host,
    url: proxy.url,
    get maxConcurrentRepositories() {
      return maxConcurrent;
    },
    setBytesPerSecond: (r) => void (rate = r),
    failWith: (status) => void (failure = status),
    close: () => proxy.stop(),
  };
}
