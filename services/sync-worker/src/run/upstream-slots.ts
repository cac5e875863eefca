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
 * With `handoverMs`, a run that follows another of its process on the same host costs none.
 */
export class UpstreamSlots {
  /** Slots this process released, and the revision at which each became free. */
  private readonly released = new Map<string, number>();
  /** Slots whose run ended that this process still holds for its next run on the host (see `handoverMs`). */
  private readonly setAside = new Map<string, { revision: number; writtenAt: number; timer: NodeJS.Timeout }>();

  private constructor(
    private readonly kv: KvBucket,
    private readonly ttlMs: number,
    private readonly handoverMs: number,
    private readonly now: () => number,
  ) {}

  /**
   * `replicas`: FERRY_STREAM_REPLICAS, so the slots outlive a node of a cluster as the log does.
   * `handoverMs`: a slot whose run ended is kept this long for this process's next run on the same
   * host, which takes it without a write (a worker running one short run after another writes a
   * slot about once a third of its TTL, where each run cost two writes); unclaimed by then it is
   * released. 0 releases at once. The host's cap holds either way: a slot set aside is held.
   */
  static async open(store: Pick<EventStore, 'openKvBucket'>, bucket: string, ttlMs: number, replicas = 1, { handoverMs = 0, now = Date.now }: { handoverMs?: number; now?: () => number } = {}): Promise<UpstreamSlots> {
    return new UpstreamSlots(await store.openKvBucket(bucket, { ttlMs, replicas }), ttlMs, handoverMs, now);
  }

  /**
   * Takes a free slot of `host` (one of `limit`), or returns null when all are held: first a slot
   * this process released, then the others from a slot picked at random (from slot 0, every run
   * tried first each slot its concurrent runs held).
   */
  async tryAcquire(host: string, limit: number, owner: string, start = Math.floor(Math.random() * limit)): Promise<UpstreamSlot | null> {
    const token = Buffer.from(host.toLowerCase(), 'utf8').toString('base64url');
    const value = new TextEncoder().encode(owner);
    for (const [key, aside] of this.setAside) {
      if (!key.startsWith(`${token}.`) || Number(key.slice(token.length + 1)) >= limit) continue;
      clearTimeout(aside.timer);
      this.setAside.delete(key);
      // Its entry expires a TTL after its last write: one written a while ago is written again (owner and all) before a new run counts on it.
      if (this.now() - aside.writtenAt < this.ttlMs / 3) return this.held(key, value, aside.revision, aside.writtenAt);
      const renewed = await this.kv.update(key, value, aside.revision).catch(() => null);
      if (renewed !== null) return this.held(key, value, renewed, this.now());
    }
    for (const [key, revision] of this.released) {
      if (!key.startsWith(`${token}.`) || Number(key.slice(token.length + 1)) >= limit) continue;
      // Taken out first: two runs of this process starting at once do not race for it.
      this.released.delete(key);
      const taken = await this.kv.update(key, value, revision).catch(() => null);
      if (taken !== null) return this.held(key, value, taken, this.now());
    }
    for (let n = 0; n < limit; n++) {
      const key = `${token}.${(start + n) % limit}`;
      const taken = await this.takeIfFree(key, value);
      if (taken !== null) return this.held(key, value, taken, this.now());
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

  private held(key: string, value: Uint8Array, initialRevision: number, initialWrite: number): UpstreamSlot {
    let revision = initialRevision;
    let writtenAt = initialWrite;
    const kv = this.kv;
    return {
      key,
      renew: async () => {
        try {
          revision = await kv.update(key, value, revision);
          writtenAt = this.now();
          return true;
        } catch {
          return false;
        }
      },
      release: async () => {
        if (this.handoverMs <= 0) return this.free(key, revision);
        const timer = setTimeout(() => {
          this.setAside.delete(key);
          void this.free(key, revision);
        }, this.handoverMs);
        this.setAside.set(key, { revision, writtenAt, timer });
      },
    };
  }

  /** Releases a slot held at `revision`: free for any worker, and first for this one's next search. */
  private async free(key: string, revision: number): Promise<void> {
    const free = await this.kv.update(key, FREE, revision).catch(() => null);
    if (free !== null) this.released.set(key, free);
  }

  /** Releases at once the slots set aside for a next run (the worker is stopping). */
  async close(): Promise<void> {
    const aside = [...this.setAside];
    this.setAside.clear();
    await Promise.all(
      aside.map(([key, { revision, timer }]) => {
        clearTimeout(timer);
        return this.free(key, revision);
      }),
    );
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
