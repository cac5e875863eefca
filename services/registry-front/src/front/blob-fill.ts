import { createHash } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';

/** Why a fill did not store its blob: the upstream's stream failed, or its bytes were not the digest. */
export class FillFailedError extends Error {
  readonly code = 'FILL_FAILED';
}

/**
 * One upstream fetch of one blob, written to the target as it arrives and replayed to every
 * client that asks for the blob meanwhile (the first from the first byte, later ones from the
 * start of what has arrived, then live). The bytes are hashed as they pass: a client's answer
 * ends only once all of them arrived and the digest matched (not waiting for the target's commit,
 * which `done` awaits); otherwise every client's answer is cut off (so no client takes a short or
 * wrong body for the blob), and the target's upload is cancelled, so nothing of it is stored.
 */
export class BlobFill {
  private readonly chunks: Buffer[] = [];
  private readonly waiters = new Set<() => void>();
  private state: 'running' | 'verified' | 'stored' | 'failed' = 'running';
  private failure: Error | null = null;
  private verified = false;
  bytes = 0;
  /** Settles once the blob is stored (or the fill failed). */
  readonly done: Promise<void>;

  constructor(
    readonly digest: string,
    /** The upstream's Content-Length, -1 when it sent none. */
    readonly size: number,
    upstream: Readable,
    store: (body: Readable) => Promise<void>,
  ) {
    const toTarget = new PassThrough({ highWaterMark: 1 << 20 });
    // The fill's failure is told through `done` and the store's promise; an upload that has not
    // taken the stream yet (its session still opening) must not make the destroy an uncaught error.
    toTarget.on('error', () => undefined);
    const stored = store(toTarget);
    // The fill is awaited through `done`; this keeps an early rejection from being reported as unhandled.
    stored.catch(() => undefined);
    this.done = this.pump(upstream, toTarget, stored).then(
      () => this.settle('stored', null),
      (error: unknown) => {
        this.settle('failed', error instanceof Error ? error : new Error(String(error)));
        throw this.failure!;
      },
    );
    this.done.catch(() => undefined);
  }

  private async pump(upstream: Readable, toTarget: PassThrough, stored: Promise<void>): Promise<void> {
    const hash = createHash(this.digest.split(':')[0] === 'sha512' ? 'sha512' : 'sha256');
    try {
      for await (const chunk of upstream) {
        const buf = chunk as Buffer;
        hash.update(buf);
        this.bytes += buf.length;
        this.chunks.push(buf);
        this.wake();
        // Not waiting for the target: the bytes are held in `chunks` for the clients anyway, so the
        // upload takes them at its own pace and never holds the clients' answers back (a cold pull
        // runs at the upstream's speed, not at the target's).
        toTarget.write(buf);
      }
    } catch (error) {
      toTarget.destroy(error as Error);
      await stored.catch(() => undefined);
      throw new FillFailedError(`the upstream's stream of ${this.digest} failed after ${this.bytes} bytes: ${(error as Error).message}`, { cause: error });
    }
    const got = `${this.digest.split(':')[0]}:${hash.digest('hex')}`;
    if (got !== this.digest || (this.size >= 0 && this.bytes !== this.size)) {
      toTarget.destroy(new FillFailedError('digest mismatch'));
      await stored.catch(() => undefined);
      throw new FillFailedError(`the upstream sent ${this.bytes} bytes hashing to ${got} for ${this.digest}`);
    }
    // Every byte is here and is the blob: clients may end their answers while the target commits.
    this.settle('verified', null);
    toTarget.end();
    await stored;
  }

  private settle(state: 'verified' | 'stored' | 'failed', failure: Error | null): void {
    if (state === 'verified') this.verified = true;
    this.state = state;
    this.failure = failure;
    this.wake();
  }

  private wake(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const w of waiters) w();
  }

  /** The blob's bytes for one client: what has arrived, then the rest as it arrives; throws when the fill fails. */
  async *read(): AsyncGenerator<Buffer> {
    let next = 0;
    for (;;) {
      while (next < this.chunks.length) yield this.chunks[next++]!;
      // Verified bytes are the blob even when the target's commit fails after: the client's answer stands.
      if (this.verified) return;
      if (this.state === 'failed') throw this.failure!;
      await new Promise<void>((resolve) => this.waiters.add(resolve));
    }
  }
}
