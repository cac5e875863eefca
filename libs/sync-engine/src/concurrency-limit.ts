/**
 * A counting semaphore: at most `limit` tasks of `run` at once, the rest queued; among the queued,
 * the highest `priority` goes first, then arrival order.
 */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: Array<{ priority: number; seq: number; resolve: () => void }> = [];
  private seq = 0;

  constructor(private readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError('a concurrency limit must be at least 1');
  }

  async run<T>(task: () => Promise<T>, priority = 0): Promise<T> {
    if (this.active >= this.limit) {
      await new Promise<void>((resolve) => {
        const entry = { priority, seq: this.seq++, resolve };
        // Keep the queue sorted (priority desc, then FIFO); queues are short, insertion is fine.
        let i = this.waiting.length;
        while (i > 0 && this.waiting[i - 1]!.priority < priority) i--;
        this.waiting.splice(i, 0, entry);
      });
      // The finishing task handed its slot over: `active` already counts this one.
    } else {
      this.active++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next.resolve();
      else this.active--;
    }
  }
}
