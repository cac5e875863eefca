import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';

/** A JetStream key-value bucket: what Ferry's boards (slots, rate limits, run progress) keep beside the log. */
export type KvBucket = Pick<KV, 'get' | 'put' | 'create' | 'update' | 'delete' | 'watch' | 'destroy'>;

export interface KvBucketOptions {
  /** How long an entry outlives its last write. */
  ttlMs: number;
  /** Copies JetStream keeps (FERRY_STREAM_REPLICAS, so a bucket outlives a node of a cluster as the log does). Default 1. */
  replicas?: number;
  /** Entries kept per key. Default 1: the latest only. */
  history?: number;
}

/** Opens the bucket `name`, creating it when it does not exist yet. */
export function openKvBucket(connection: NatsConnection, name: string, options: KvBucketOptions): Promise<KvBucket> {
  return new Kvm(connection).create(name, { history: options.history ?? 1, ttl: options.ttlMs, replicas: options.replicas ?? 1 });
}
