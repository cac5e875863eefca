import type { EventStore, KvBucket } from '@ferry/event-store';
import type { SharedRateLimit } from '@ferry/registry-client';

/**
 * Docker Hub's pull budget as every sync-worker knows it. Docker Hub counts the pulls of an
 * account (anonymous pulls: of an address) whichever process sends them, so a worker that sees
 * `RateLimit-Remaining: 0` puts a key for the registry account into a JetStream KV bucket, one that
 * sees budget again deletes it, and every worker follows the bucket: all of them pace their
 * manifest GETs while the budget is spent. A key counts for `ttlMs` after it was written (the
 * bucket drops it then, without telling watchers), so a worker that died does not keep the others
 * paused; a worker still seeing 0 writes it again.
 */
export class RateLimitBoard {
  /** Account key → when the budget was last reported spent (ms since the epoch). */
  private readonly spentSince = new Map<string, number>();

  private constructor(
    private readonly kv: KvBucket,
    private readonly ttlMs: number,
    private readonly stopWatching: () => void,
  ) {}

  static async open(store: Pick<EventStore, 'openKvBucket'>, bucket: string, ttlMs: number, replicas = 1): Promise<RateLimitBoard> {
    const kv = await store.openKvBucket(bucket, { ttlMs, replicas });
    const watch = await kv.watch({ key: '>' });
    const board = new RateLimitBoard(kv, ttlMs, () => watch.stop());
    void (async () => {
      for await (const entry of watch) {
        if (entry.operation === 'PUT') board.spentSince.set(entry.key, entry.created.getTime());
        else board.spentSince.delete(entry.key);
      }
    })().catch(() => undefined);
    return board;
  }

  /** The budget of one account on one registry host (`account` '' for anonymous pulls). */
  budget(host: string, account: string): SharedRateLimit {
    const key = Buffer.from(`${host.toLowerCase()} ${account}`, 'utf8').toString('base64url');
    return {
      exhausted: () => {
        const since = this.spentSince.get(key);
        return since !== undefined && Date.now() - since < this.ttlMs;
      },
      report: (exhausted) => {
        // This worker knows at once; the others learn it from the bucket.
        if (exhausted) this.spentSince.set(key, Date.now());
        else this.spentSince.delete(key);
        void (exhausted ? this.kv.put(key, '1') : this.kv.delete(key)).catch(() => undefined);
      },
    };
  }

  close(): void {
    this.stopWatching();
  }

  async destroy(): Promise<void> {
    this.close();
    await this.kv.destroy();
  }
}
