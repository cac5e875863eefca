import type { Dispatcher } from 'undici';
import { createRegistryDispatcher, type DispatcherOptions } from './registry-dispatcher';

interface Pooled {
  dispatcher: Dispatcher;
  /** Runs using it now: it is closed only when none are. */
  users: number;
}

/** A dispatcher lent out of a pool; `release` when the run is done with it (it stays open for the next). */
export interface LentDispatcher {
  dispatcher: Dispatcher;
  release(): void;
}

/**
 * Registry dispatchers kept from one sync run to the next, one per set of connection settings: a
 * worker running one-tag runs against the same registries all day reuses their kept-alive
 * connections, instead of dialling and shaking hands again for every run (a fifth of a
 * sync-worker's CPU for such a run). Credentials are not part of a dispatcher; each run's client
 * sends its own. Bounded: past `max` settings the least recently used idle ones are closed.
 * `addressGuard.lookup` (tests) is not part of the settings compared: a pool is for real DNS.
 */
export class DispatcherPool {
  private readonly pooled = new Map<string, Pooled>();

  constructor(private readonly max = 32) {}

  lend(options: DispatcherOptions): LentDispatcher {
    const key = JSON.stringify([options.verifyTls, options.caBundle ?? null, options.proxy ?? null, options.connectionsPerHost ?? null, options.addressGuard?.allowedHosts ?? null]);
    let entry = this.pooled.get(key);
    if (entry) this.pooled.delete(key);
    else entry = { dispatcher: createRegistryDispatcher(options), users: 0 };
    // Map order is the order of last use: re-inserted at the end, the oldest come first.
    this.pooled.set(key, entry);
    entry.users++;
    let released = false;
    return {
      dispatcher: entry.dispatcher,
      release: () => {
        if (released) return;
        released = true;
        entry.users--;
        this.trim();
      },
    };
  }

  /** Closes every dispatcher (the worker is stopping). */
  async close(): Promise<void> {
    const all = [...this.pooled.values()];
    this.pooled.clear();
    await Promise.allSettled(all.map((entry) => entry.dispatcher.close()));
  }

  get size(): number {
    return this.pooled.size;
  }

  private trim(): void {
    for (const [key, entry] of this.pooled) {
      if (this.pooled.size <= this.max) return;
      if (entry.users > 0) continue;
      this.pooled.delete(key);
      void entry.dispatcher.close().catch(() => undefined);
    }
  }
}
