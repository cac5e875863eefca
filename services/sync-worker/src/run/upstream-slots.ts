import type { EventStore, KvBucket } from '@ferry/event-store';

/** A held slot: renew it more often than the bucket's TTL, release it when the run ends. */
export interface UpstreamSlot {
  readonly key: string;
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

/**
 * A cap on concurrent runs per upstream registry host, shared by every sync-worker process: slot
 * `i` of a host is a key in a JetStream KV bucket, taken with a create that fails when the key
 * exists. Keys expire with the bucket's TTL, so the slots of a worker that died come back on
 * their own; a live worker renews its slot with a compare-and-set update.
 */
export class UpstreamSlots {
  private constructor(private readonly kv: KvBucket) {}

  /** `replicas`: FERRY_STREAM_REPLICAS, so the slots outlive a node of a cluster as the log does. */
  static async open(store: Pick<EventStore, 'openKvBucket'>, bucket: string, ttlMs: number, replicas = 1): Promise<UpstreamSlots> {
    return new UpstreamSlots(await store.openKvBucket(bucket, { ttlMs, replicas }));
  }

  /**
   * Takes a free slot of `host` (one of `limit`), or returns null when all are held. The search
   * starts at a slot picked at random: from slot 0, every run tried each slot its concurrent runs
   * held first, and each try of a held slot is two requests (four and a half per run with eight
   * runs at once against one host).
   */
  async tryAcquire(host: string, limit: number, owner: string, start = Math.floor(Math.random() * limit)): Promise<UpstreamSlot | null> {
    const token = Buffer.from(host.toLowerCase(), 'utf8').toString('base64url');
    for (let n = 0; n < limit; n++) {
      const key = `${token}.${(start + n) % limit}`;
      try {
        const revision = await this.kv.create(key, new TextEncoder().encode(owner));
        return this.held(key, owner, revision);
      } catch {
        // Held by someone else (or lost a race for it): try the next slot.
      }
    }
    return null;
  }

  private held(key: string, owner: string, initialRevision: number): UpstreamSlot {
    let revision = initialRevision;
    const kv = this.kv;
    return {
      key,
      async renew() {
        try {
          revision = await kv.update(key, new TextEncoder().encode(owner), revision);
          return true;
        } catch {
          return false;
        }
      },
      async release() {
        await kv.delete(key, { previousSeq: revision }).catch(() => undefined);
      },
    };
  }

  /** How many slots of `host` are held now (for tests and metrics). */
  async heldCount(host: string, limit: number): Promise<number> {
    const token = Buffer.from(host.toLowerCase(), 'utf8').toString('base64url');
    let held = 0;
    for (let i = 0; i < limit; i++) {
      const entry = await this.kv.get(`${token}.${i}`);
      if (entry && entry.operation === 'PUT') held++;
    }
    return held;
  }

  async destroy(): Promise<void> {
    await this.kv.destroy();
  }
}
