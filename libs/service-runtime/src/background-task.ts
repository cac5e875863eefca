import { Logger } from '@nestjs/common';
import { backoffCeiling } from '@ferry/backoff';
import { OutageLog } from './outage-log';

/** A loop that ran this long without crashing is taken to have come back. */
const HEALTHY_AFTER_MS = 5_000;
/** Restarts wait 1 s, 2 s, 4 s ... up to this. */
const MAX_RESTART_DELAY_MS = 30_000;

/** How long a loop waits before its start after `crashes` crashes in a row: 1 s, 2 s, 4 s ... up to 30 s. */
export function restartDelayMs(crashes: number, baseMs = 1_000): number {
  return backoffCeiling({ baseMs, maxMs: MAX_RESTART_DELAY_MS }, Math.max(1, crashes));
}

/**
 * A long-running loop owned by a service (a projection, a consumer, a scheduler tick) that stops
 * when the service shuts down. A loop that crashes (NATS away while a consumer sets itself up, a
 * stream gone) is started again after a growing delay, so the service never runs on without it;
 * an outage is logged once at warn and its end at info, any other crash at error each time.
 */
export class BackgroundTask {
  private readonly controller = new AbortController();
  private running: Promise<void> | null = null;
  private readonly outages: OutageLog;

  constructor(
    private readonly name: string,
    private readonly body: (signal: AbortSignal) => Promise<void>,
    private readonly restartBaseMs = 1_000,
  ) {
    const logger = new Logger('BackgroundTask');
    this.outages = new OutageLog(name, logger);
  }

  start(): void {
    this.running = this.runUntilStopped();
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await this.running;
  }

  private async runUntilStopped(): Promise<void> {
    const signal = this.controller.signal;
    for (let crashes = 0; !signal.aborted; ) {
      const healthy = setTimeout(() => {
        crashes = 0;
        this.outages.succeeded();
      }, HEALTHY_AFTER_MS);
      try {
        await this.body(signal);
        return;
      } catch (error) {
        if (signal.aborted) return;
        this.outages.failed(error, `${this.name} crashed; it starts again`);
      } finally {
        clearTimeout(healthy);
      }
      crashes += 1;
      const delay = restartDelayMs(crashes, this.restartBaseMs);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
    }
  }
}
