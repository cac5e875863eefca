import { recordBlobCopied, recordRegistryRequest, recordRegistryRetry, RunBytesCounter } from '@ferry/metrics';
import { DEFAULT_RETRY_POLICY, isRetryableStatus, RegistryErrorCode, type RegistryExchange } from '@ferry/registry-client';
import type { SyncRequest } from '@ferry/sync-engine';

/** A request for the same method and URL within this long after a transient failure of it is its retry (the retry policy's longest wait, and some). */
const RETRY_WINDOW_MS = DEFAULT_RETRY_POLICY.maxMs + 5_000;

type Hooks = Pick<SyncRequest, 'onBlob' | 'onExchange' | 'onProgress'>;

/** Failed so that the client tries again: a retryable status, or no answer because the registry was unreachable or slow. */
function transient(exchange: RegistryExchange): boolean {
  if (exchange.status !== null) return isRetryableStatus(exchange.status);
  return exchange.errorCode === RegistryErrorCode.Unreachable || exchange.errorCode === RegistryErrorCode.Timeout;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'unknown';
  }
}

/**
 * One run's registry traffic in the metrics, from the engine's hooks: every request by registry
 * host, method and status (`error` when no answer came), its retries, every blob the target took
 * (uploaded, or mounted from another repository), and the blob bytes as they move (the progress
 * the live progress board shows, so a dashboard sees a run's rate while it runs, not a spike as
 * each tag ends). A retry is a request for the same method and URL as one of this run that failed
 * transiently within the retry policy's longest wait: the client sends its retries so (a blob
 * transfer started again is a new upload, counted by the blob).
 */
export class RunMeter {
  private readonly failedAt = new Map<string, number>();
  private readonly bytes = new RunBytesCounter();

  /** The hooks `others` (the run's tracing and progress board) set, each of them also metering. */
  alongside<H extends Hooks>(others: H): H & Required<Hooks> {
    return {
      ...others,
      onBlob: (record) => {
        others.onBlob?.(record);
        if (record.outcome === 'uploaded' || record.outcome === 'mounted') recordBlobCopied(record.outcome);
      },
      onExchange: (side, exchange) => {
        others.onExchange?.(side, exchange);
        this.exchange(exchange);
      },
      onProgress: (progress) => {
        others.onProgress?.(progress);
        this.bytes.advanceTo(progress.bytesCopied);
      },
    };
  }

  private exchange(exchange: RegistryExchange): void {
    const registry = hostOf(exchange.url);
    recordRegistryRequest(registry, exchange.method, exchange.status ?? 'error');
    const key = `${exchange.method} ${exchange.url}`;
    const failed = this.failedAt.get(key);
    if (failed !== undefined) {
      this.failedAt.delete(key);
      if (exchange.startedAt - failed <= RETRY_WINDOW_MS) recordRegistryRetry(registry);
    }
    if (transient(exchange)) this.failedAt.set(key, exchange.startedAt + exchange.durationMs);
  }
}
