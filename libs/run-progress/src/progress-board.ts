import type { EventStore, KvBucket } from '@ferry/event-store';
import { ProgressMeter, type ProgressCounters } from './progress-meter';

/** A run's progress as the worker last wrote it. */
export interface RunProgress extends ProgressCounters {
  runId: string;
  mirrorId: string;
  bytesPerSecond: number;
  /** Seconds until the known bytes are copied at the current rate (null while it cannot be told). */
  etaSeconds: number | null;
  /** ISO-8601: when the worker wrote it. */
  updatedAt: string;
  /** The run has stopped copying: this is its last entry. */
  done: boolean;
}

/** The bucket of a deployment's run progress, beside its event stream. */
export function runProgressBucket(eventStream: string): string {
  return `${eventStream}_RUN_PROGRESS`;
}

/**
 * How long an entry outlives its last write: a running run rewrites its entry every second, so
 * only an ended run's (or a dead worker's) entry goes, this long after it stopped.
 */
export const PROGRESS_TTL_MS = 120_000;

/**
 * How long after its first counters a run writes its first entry: a run over by then (a one-tag
 * run takes a few tens of milliseconds) writes only its last entry, one KV write where it made two
 * within milliseconds of each other; a longer run shows its progress a quarter second later.
 */
export const FIRST_WRITE_MS = 250;

/**
 * Live progress of the runs in flight, in a JetStream KV bucket (one key per run, the latest
 * entry only), so that the event log is not flooded with it: the sync-worker writes it about once
 * a second per run, the API reads and watches it. Progress is best effort: a write lost while NATS
 * is away is simply followed by the next one.
 */
export class ProgressBoard {
  private constructor(private readonly kv: KvBucket) {}

  /** `replicas`: FERRY_STREAM_REPLICAS, as for the event stream. Every service opens it the same way. */
  static async open(store: Pick<EventStore, 'openKvBucket'>, bucket: string, replicas = 1): Promise<ProgressBoard> {
    return new ProgressBoard(await store.openKvBucket(bucket, { ttlMs: PROGRESS_TTL_MS, replicas }));
  }

  /** Starts reporting one run's progress; `intervalMs` between writes, the first `firstWriteMs` after the first counters. */
  reporter(run: { runId: string; mirrorId: string }, options: { intervalMs?: number; firstWriteMs?: number; now?: () => number } = {}): ProgressReporter {
    return new ProgressReporter(this.kv, run, options.intervalMs ?? 1_000, options.now ?? Date.now, options.firstWriteMs ?? FIRST_WRITE_MS);
  }

  /** The run's latest progress, or null when there is none (not started copying, or ended a while ago). */
  async get(runId: string): Promise<RunProgress | null> {
    const entry = await this.kv.get(runId);
    return entry && entry.operation === 'PUT' ? (entry.json() as RunProgress) : null;
  }

  /** The run's progress as it is written (its latest first), until `signal` aborts. */
  async *watch(runId: string, signal: AbortSignal): AsyncGenerator<RunProgress> {
    const entries = await this.kv.watch({ key: runId, ignoreDeletes: true });
    const stop = () => entries.stop();
    if (signal.aborted) stop();
    signal.addEventListener('abort', stop, { once: true });
    try {
      for await (const entry of entries) {
        if (entry.operation === 'PUT') yield entry.json() as RunProgress;
      }
    } finally {
      signal.removeEventListener('abort', stop);
      stop();
    }
  }

  async destroy(): Promise<void> {
    await this.kv.destroy();
  }
}

/**
 * Writes one run's progress: the first counters shortly after they come (`FIRST_WRITE_MS`), then the latest every interval (also
 * when nothing moved, so a stall shows as the rate falling), one write at a time, and a last
 * entry marked `done` on {@link finish}.
 */
export class ProgressReporter {
  private counters: ProgressCounters | null = null;
  private readonly meter: ProgressMeter;
  private readonly timer: NodeJS.Timeout;
  private firstWrite: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private busy = false;
  private finished = false;

  constructor(
    private readonly kv: KvBucket,
    private readonly run: { runId: string; mirrorId: string },
    intervalMs: number,
    private readonly now: () => number,
    private readonly firstWriteMs: number,
  ) {
    this.meter = new ProgressMeter(now());
    this.timer = setInterval(() => this.write(), intervalMs);
    this.timer.unref();
  }

  /** The run's counters now (cheap: called for every chunk of bytes). */
  update(counters: ProgressCounters): void {
    if (this.finished) return;
    const first = this.counters === null;
    this.counters = counters;
    if (first) {
      this.firstWrite = setTimeout(() => this.write(), this.firstWriteMs);
      this.firstWrite.unref();
    }
  }

  /**
   * Writes the last entry and stops; resolves once it is stored. With no write under way the entry
   * is sent before `finish` returns, so what the caller sends next (a run's end) follows it on the
   * connection, in the same socket write; otherwise it is sent once that write is answered.
   */
  finish(): Promise<void> {
    if (this.finished) return this.writing;
    this.finished = true;
    clearInterval(this.timer);
    clearTimeout(this.firstWrite);
    this.writing = this.busy ? this.writing.then(() => this.put(true)) : this.put(true);
    return this.writing;
  }

  /** The entry of the interval. A write still under way (NATS slow or away): this tick is skipped, the next one carries the news. */
  private write(): void {
    if (this.busy || this.finished) return;
    this.writing = this.put(false);
  }

  private put(done: boolean): Promise<void> {
    const counters = this.counters;
    if (!counters) return Promise.resolve();
    const now = this.now();
    const entry: RunProgress = { ...this.run, ...counters, ...this.meter.read(counters, now), updatedAt: new Date(now).toISOString(), done };
    this.busy = true;
    return this.kv
      .put(this.run.runId, JSON.stringify(entry))
      .then(() => undefined, () => undefined)
      .finally(() => (this.busy = false));
  }
}
