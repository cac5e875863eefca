import type { EventStore, KvBucket } from '@ferry/event-store';

/** A held slot: renew it more often than the bucket's TTL, release it when the run ends. */
export interface UpstreamSlot {
  readonly key: string;
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

/** A released slot holds no owner: an empty value, so the key stays and its revision is known to whoever released it. */
const FREE = new Uint8Array(0);

/**
 * A cap on concurrent runs per upstream registry host, shared by every sync-worker process: slot
 * `i` of a host is a key in a JetStream KV bucket, held while it names an owner. Keys expire with
 * the bucket's TTL, so the slots of a worker that died come back on their own; a live worker
 * renews its slot with a compare-and-set update.
 *
 * A run costs two requests when its worker reuses a slot it released itself (a compare-and-set
 * from the free revision it remembers, and one back to free): releasing by deleting the key left a
 * tombstone that the next taker had to read before it could write (four to seven requests a run).
 */
export class UpstreamSlots {
  /** Slots this process released, and the revision at which each became free. */
  private readonly released = new Map<string, number>();

  private constructor(private readonly kv: KvBucket) {}

  /** `replicas`: FERRY_STREAM_REPLICAS, so the slots outlive a node of a cluster as the log does. */
  static async open(store: Pick<EventStore, 'openKvBucket'>, bucket: string, ttlMs: number, replicas = 1): Promise<UpstreamSlots> {
    return new UpstreamSlots(await store.openKvBucket(bucket, { ttlMs, replicas }));
  }

  /**
   * Takes a free slot of `host` (one of `limit`), or returns null when all are held: first a slot
   * this process released, then the others from a slot picked at random (from slot 0, every run
   * tried first each slot its concurrent runs held).
   */
  async tryAcquire(host: string, limit: number, owner: string, start = Math.floor(Math.random() * limit)): Promise<UpstreamSlot | null> {
    const token = Buffer.from(host.toLowerCase(), 'utf8').toString('base64url');
    const value = new TextEncoder().encode(owner);
    for (const [key, revision] of this.released) {
      if (!key.startsWith(`${token}.`) || Number(key.slice(token.length + 1)) >= limit) continue;
      // Taken out first: two runs of this process starting at once do not race for it.
      this.released.delete(key);
      const taken = await this.kv.update(key, value, revision).catch(() => null);
      if (taken !== null) return this.held(key, value, taken);
    }
    for (let n = 0; n < limit; n++) {
      const key = `${token}.${(start + n) % limit}`;
      const taken = await this.takeIfFree(key, value);
      if (taken !== null) return this.held(key, value, taken);
    }
    return null;
  }

  /** The new revision when `key` was free (never used, expired, or released) and is now `value`'s; null when it is held. */
  private async takeIfFree(key: string, value: Uint8Array): Promise<number | null> {
    const created = await this.kv.put(key, value, { previousSeq: 0 }).catch(() => null);
    if (created !== null) return created;
    const entry = await this.kv.get(key).catch(() => null);
    // Free: released (empty), or deleted by a worker of an earlier version (a tombstone).
    const free = entry !== null && (entry.operation !== 'PUT' || entry.length === 0);
    return free ? this.kv.update(key, value, entry.revision).catch(() => null) : null;
  }

  private held(key: string, value: Uint8Array, initialRevision: number): UpstreamSlot {
    let revision = initialRevision;
    const kv = this.kv;
    const released = this.released;
    return {
      key,
      async renew() {
        try {
          revision = await kv.update(key, value, revision);
          return true;
        } catch {
          return false;
        }
      },
      async release() {
        const free = await kv.update(key, FREE, revision).catch(() => null);
        if (free !== null) released.set(key, free);
      },
    };
  }

  /** How many slots of `host` are held now (for tests and metrics). */
  async heldCount(host: string, limit: number): Promise<number> {
    const token = Buffer.from(host.toLowerCase(), 'utf8').toString('base64url');
    let held = 0;
    for (let i = 0; i < limit; i++) {
      const entry = await this.kv.get(`${token}.${i}`);
      if (entry && entry.operation === 'PUT' && entry.length > 0) held++;
    }
    return held;
  }

  async destroy(): Promise<void> {
    await this.kv.destroy();
  }
}
