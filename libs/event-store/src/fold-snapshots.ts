import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Fold } from './handle-command';
import type { KvBucket } from './kv-bucket';

/** What a snapshot holds: the fold, who may trust it, and what its writer derived beside it. */
interface SnapshotValue {
  /** The code that folded it (see `codeFingerprint`): another build's state may have another shape. */
  code: string;
  lastSequence: number;
  state: unknown;
  attachment?: unknown;
}

/**
 * A fold larger than this is not kept: it would near NATS's message size limit (1 MiB by default),
 * and a mirror with that many tags reads its history by consumer anyway.
 */
const MAX_SNAPSHOT_BYTES = 256 * 1024;

/**
 * Folds kept beside the log, one per subject, so a process that never folded a subject (a
 * sync-worker just started, or handed a mirror another worker ran last) starts from the last
 * fold someone kept instead of from the subject's first event: one read instead of one per event
 * of a history that every run lengthens. A snapshot is a cache, never the truth: any snapshot
 * is the exact fold of the events up to its position, so an old one only leaves more to read,
 * and a lost bucket only costs reads.
 */
export class FoldSnapshots {
  constructor(
    private readonly bucket: KvBucket,
    private readonly connection: NatsConnection,
    private readonly bucketName: string,
    /** Strips the store's prefix off a subject: a key is the rest (`mirror.<id>`). */
    private readonly subjectPrefix: string,
    /** Snapshots written by other code are ignored (see `codeFingerprint`). */
    private readonly code: string,
  ) {}

  private keyOf(subject: string): string {
    return subject.startsWith(`${this.subjectPrefix}.`) ? subject.slice(this.subjectPrefix.length + 1) : subject;
  }

  /** The snapshot of `subject`, if one was kept by this code; anything unreadable counts as none. */
  async load<State, Attachment = unknown>(subject: string): Promise<(Fold<State> & { attachment?: Attachment }) | undefined> {
    try {
      const entry = await this.bucket.get(this.keyOf(subject));
      if (!entry || entry.operation !== 'PUT' || entry.length === 0) return undefined;
      const value = entry.json<SnapshotValue>();
      if (value.code !== this.code || typeof value.lastSequence !== 'number') return undefined;
      return { state: value.state as State, lastSequence: value.lastSequence, ...(value.attachment === undefined ? {} : { attachment: value.attachment as Attachment }) };
    } catch {
      // NATS away, or a value that is not ours: the fold is read from the log as without snapshots.
      return undefined;
    }
  }

  /**
   * Keeps `fold` as the subject's snapshot, with `attachment` (what the writer derived from the
   * same history, for the next reader). Sent without waiting for JetStream's confirmation: a
   * snapshot lost on the way only leaves the next reader more to read.
   */
  save(subject: string, fold: Fold<unknown>, attachment?: unknown): void {
    const value: SnapshotValue = { code: this.code, lastSequence: fold.lastSequence, state: fold.state, ...(attachment === undefined ? {} : { attachment }) };
    const data = Buffer.from(JSON.stringify(value));
    if (data.length > MAX_SNAPSHOT_BYTES) return;
    try {
      this.connection.publish(`$KV.${this.bucketName}.${this.keyOf(subject)}`, data);
    } catch {
      // The connection is closing: nothing is lost but a shortcut.
    }
  }
}

/**
 * A fingerprint of built code: every `.js` file beside each of `entryPoints` (a package's resolved
 * main module), recursively. A snapshot folded by one build is trusted only by the same build,
 * since a state's shape follows the code (a field added to a state is absent from an older one).
 */
export function codeFingerprint(entryPoints: readonly string[]): string {
  const hash = createHash('sha256');
  const addDirectory = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) addDirectory(path);
      else if (entry.name.endsWith('.js') && !entry.name.includes('.spec.')) hash.update(entry.name).update(readFileSync(path));
    }
  };
  for (const entryPoint of entryPoints) addDirectory(dirname(entryPoint));
  return hash.digest('base64url').slice(0, 22);
}
