import { Logger } from '@nestjs/common';
import { errorText } from './error-text';

/**
 * A long-running loop owned by a service (a projection, a consumer, a scheduler tick) that stops
 * when the service shuts down and whose crash is logged rather than lost.
 */
export class BackgroundTask {
  private readonly controller = new AbortController();
  private running: Promise<void> | null = null;

  constructor(
    private readonly name: string,
    private readonly body: (signal: AbortSignal) => Promise<void>,
  ) {}

  start(): void {
    this.running = this.body(this.controller.signal).catch((error) => {
      if (!this.controller.signal.aborted) Logger.error({ msg: `${this.name} stopped: ${errorText(error)}`, err: error }, 'BackgroundTask');
    });
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await this.running;
  }
}
