/** What the scheduler's due indexes (`due_mirrors`, `due_org_mirrors`) hold at one instant. */
export interface DueIndexView {
  /** Some row's `due_at` has passed: a run or a discovery is waiting to be issued. */
  dueNow: boolean;
  /** The earliest `due_at` still to come, in ms since the epoch (rounded up), or null when nothing is. */
  nextDueAt: number | null;
}

/** How one scheduling pass went, as far as its next wake-up cares. */
export interface PassOutcome {
  /** Rows the pass found due. */
  considered: number;
  /** Runs and discoveries it issued. */
  issued: number;
  /** It stopped at its batch limit, so more rows may be due: the next pass starts at once. */
  backlog: boolean;
  /** It stopped on an error (Postgres or NATS away). */
  failed: boolean;
}

/**
 * After a pass that found due rows but issued nothing (another scheduler won them all, or the
 * index trails the log) or that failed, reports of due rows wait this long before they wake the
 * next pass, doubling with each such pass that follows on the end of the last hold, up to the
 * tick: a row the decider keeps refusing then costs a few passes per tick, not one per projected
 * batch, while a scheduler that loses a race now and then is held back only briefly.
 */
export const FRUITLESS_HOLD_MS = 250;

export interface NextWakeOptions {
  /** The safety net (`REPO_MIRROR_INTERVAL`): the longest the scheduler goes without a look. */
  tickMs: number;
  /** Reads the due indexes as they are at `now`. */
  readIndex: (now: Date) => Promise<DueIndexView>;
  /** Hears of a read that failed; the wake-up then stays as it was (the tick at the latest). */
  onReadFailed?: (error: unknown) => void;
  /** Milliseconds since the epoch; tests hand in a fake one. */
  clock?: () => number;
}

/**
 * When the scheduler looks at its due indexes next. It looks at once when the projection has just
 * made something due (a sync-now, a new or re-enabled mirror whose start date has passed, a lease
 * given back), at the earliest `due_at` still to come (a grid point, a retry's backoff, a lease's
 * end, a push's coalescing window), and one tick after its last look at the latest. It knows no
 * event types: whatever moves a `due_at` earlier shows in the index it reads after each batch the
 * projection applies.
 */
export class NextWakePlanner {
  private readonly tickMs: number;
  private readonly clock: () => number;
  private lastPassAt: number;
  private nextDueAt: number | null = null;
  /** The projection reported a row due after the last pass began, which that pass may have missed. */
  private dueSinceLastPass = true;
  /** The current hold's length (0: none), and when it ends. */
  private holdMs = 0;
  private holdUntil = Number.NEGATIVE_INFINITY;
  /** Ends the current sleep early so that it is planned again with what was just learnt. */
  private rouse: (() => void) | null = null;
  /** Reads of the index, one after another, so that what is learnt last was read last. */
  private reads: Promise<void> = Promise.resolve();
  /** A read for the projection waits its turn: later reports need no read of their own. */
  private projectionReadQueued = false;

  constructor(private readonly options: NextWakeOptions) {
    this.tickMs = options.tickMs;
    this.clock = options.clock ?? Date.now;
    this.lastPassAt = this.clock();
  }

  /**
   * The projection applied events: reads the index and plans with it, unless a row is known to be
   * due already. Calls made while a read waits for its turn fold into that read, so a busy log
   * costs one read at a time, and a read always begins after the last batch reported.
   */
  indexMoved(): void {
    // The next pass starts as soon as any hold ends whatever the index says, and reads it afresh
    // when it ends: while a backlog is being issued, each batch projected would otherwise cost a read.
    if (this.projectionReadQueued || this.dueSinceLastPass) return;
    this.projectionReadQueued = true;
    this.reads = this.reads.then(async () => {
      this.projectionReadQueued = false;
      const view = await this.read();
      if (view) this.learn(view, { fromProjection: true });
    });
  }

  /** A pass begins now: what it reads covers every row projected so far. */
  passStarting(): void {
    this.lastPassAt = this.clock();
    this.dueSinceLastPass = false;
  }

  /** A pass ended: reads the index again for the next `due_at` to come, and plans with it. */
  async passEnded(outcome: PassOutcome): Promise<void> {
    if (outcome.backlog) this.dueSinceLastPass = true;
    if (outcome.failed || (outcome.considered > 0 && outcome.issued === 0)) {
      // A pass that began within one hold's length of the last hold's end was woken by reports
      // that piled up during it: the same refusal again, so the hold grows.
      const again = this.lastPassAt <= this.holdUntil + this.holdMs;
      this.holdMs = again ? Math.min(this.tickMs, this.holdMs * 2) : Math.min(this.tickMs, FRUITLESS_HOLD_MS);
      this.holdUntil = this.clock() + this.holdMs;
    } else {
      this.holdMs = 0;
      this.holdUntil = Number.NEGATIVE_INFINITY;
    }
    // Rows the pass just issued may still read as due (the projection had not caught up): only
    // the projection's own reports count as news of rows due now.
    const turn = this.reads.then(async () => {
      const view = await this.read();
      if (view) this.learn(view, { fromProjection: false });
    });
    this.reads = turn;
    await turn;
  }

  /** When the next pass should begin, in ms since the epoch (at or before now: at once). */
  wakeAt(): number {
    const safetyNet = this.lastPassAt + this.tickMs;
    let early = Number.POSITIVE_INFINITY;
    if (this.dueSinceLastPass) early = Number.NEGATIVE_INFINITY;
    // A due_at the last pass's start had already reached was that pass's to issue.
    else if (this.nextDueAt !== null && this.nextDueAt > this.lastPassAt) early = this.nextDueAt;
    return Math.min(safetyNet, Math.max(early, this.holdUntil));
  }

  /** Resolves when the next pass should begin (or `signal` aborts), woken early by what `indexMoved` learns. */
  async untilWake(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const delay = this.wakeAt() - this.clock();
      if (delay <= 0) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          this.rouse = null;
          resolve();
        };
        const timer = setTimeout(done, delay);
        signal.addEventListener('abort', done, { once: true });
        this.rouse = done;
      });
    }
  }

  private async read(): Promise<DueIndexView | null> {
    try {
      return await this.options.readIndex(new Date(this.clock()));
    } catch (error) {
      this.options.onReadFailed?.(error);
      return null;
    }
  }

  private learn(view: DueIndexView, { fromProjection }: { fromProjection: boolean }): void {
    const before = this.wakeAt();
    this.nextDueAt = view.nextDueAt;
    if (fromProjection && view.dueNow) this.dueSinceLastPass = true;
    if (this.wakeAt() !== before) this.rouse?.();
  }
}
