import type { Dispatcher } from 'undici';
import { createRegistryDispatcher, type DispatcherOptions } from './registry-dispatcher';
import { HostMemory } from './host-memory';
import { SchemeMemory } from './scheme-memory';

/** A dispatcher lent out of a pool; `release` when the run is done with it (it stays open for the next). */
export interface LentDispatcher {
  dispatcher: Dispatcher;
  release(): void;
}

/**
 * Registry dispatchers kept from one sync run to the next: a worker running one-tag runs against
 * the same registries all day reuses their kept-alive connections, instead of dialling and shaking
 * hands again for every run (a fifth of a sync-worker's CPU for such a run). A dispatcher is lent
 * to one run at a time, so each run has its own `connectionsPerHost`, as without a pool; a
 * released one waits for the next run with the same settings. Credentials are not part of a
 * dispatcher; each run's client sends its own. At most `max` wait: past that the longest idle is
 * closed. `addressGuard.lookup` (tests) is not part of the settings compared: a pool is for real DNS.
 */
export class DispatcherPool {
  /** Released dispatchers and their settings, the longest idle first. */
  private idle: Array<{ key: string; dispatcher: Dispatcher }> = [];
  private closed = false;
  /** What each host was found to speak, for the runs that borrow these connections. */
  readonly schemes = new SchemeMemory();
  /**
   * Hosts found to have no referrers API (a 404 where OCI distribution 1.1 lists a digest's
   * referrers): a run copying a new image there asks again only once the answer is ten minutes
   * old, where every such run asked (a request of the eleven a first one-tag copy makes).
   */
  readonly withoutReferrersApi = new HostMemory<true>();

  constructor(private readonly max = 32) {}

  lend(options: DispatcherOptions): LentDispatcher {
    const key = JSON.stringify([options.verifyTls, options.caBundle ?? null, options.proxy ?? null, options.connectionsPerHost ?? null, options.addressGuard?.allowedHosts ?? null]);
    const waiting = this.idle.findLastIndex((entry) => entry.key === key);
    const dispatcher = waiting >= 0 ? this.idle.splice(waiting, 1)[0]!.dispatcher : createRegistryDispatcher(options);
    let released = false;
    return {
      dispatcher,
      release: () => {
        if (released) return;
        released = true;
        if (this.closed) return void dispatcher.close().catch(() => undefined);
        this.idle.push({ key, dispatcher });
        for (const oldest of this.idle.splice(0, Math.max(0, this.idle.length - this.max))) void oldest.dispatcher.close().catch(() => undefined);
      },
    };
  }

  /** Closes the waiting dispatchers, and each lent one as it comes back (the worker is stopping). */
  async close(): Promise<void> {
    this.closed = true;
    const idle = this.idle;
    this.idle = [];
    await Promise.allSettled(idle.map((entry) => entry.dispatcher.close()));
  }

  /** Dispatchers waiting for a run. */
  get size(): number {
    return this.idle.length;
  }
}
