import { randomUUID } from 'node:crypto';
import type { MirrorTagSynced, NewEvent, RunEvent } from '@ferry/contracts';
import { RESULTS_NOT_RECORDED, resultsNotRecorded } from '@ferry/mirror';
import { MemoryLedger } from '@ferry/sync-engine';
import type { RunLease } from './run-lease';

/**
 * How long before the lease's known end an append stops waiting for NATS: one that landed later
 * could count after another worker took the run over (and recorded the tag itself).
 */
const LEASE_MARGIN_MS = 1_000;
/** Between attempts, so an answer that comes at once ("not yet" from a recovering JetStream) is not asked again in a tight loop. */
const RETRY_PAUSE_MS = 250;

/** A tag's result could not be stored within the run's patience: the run ends, retried (see `resultsNotRecorded`). */
export class ResultsNotRecordedError extends Error {
  readonly code = RESULTS_NOT_RECORDED;
  readonly retryable = true;
}

/** The run was cancelled, its worker is stopping or its lease is lost: what it has not recorded is not its to record. */
export class RunStoppedError extends Error {
  readonly code = 'RUN_STOPPED' as const;
  readonly retryable = false;
  constructor() {
    super('the run stopped before its result could be recorded');
  }
}

/** Appends one event to the run's subject with the given id, waiting at most `patienceMs` for NATS. */
export type AppendRunEvent = (event: NewEvent<RunEvent>, options: { eventId: string; patienceMs: number }) => Promise<unknown>;

export interface RunLedgerOptions {
  /** How long one result may wait to be recorded (NATS away, the lease being renewed) before the run gives up. */
  patienceMs: number;
  now?: () => number;
}

function waitFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** `answer`, or false when it takes longer than `ms`. */
async function within(answer: Promise<boolean>, ms: number, signal: AbortSignal): Promise<boolean> {
  const timeUp = new AbortController();
  const stop = () => timeUp.abort();
  signal.addEventListener('abort', stop, { once: true });
  try {
    return await Promise.race([answer, waitFor(ms, timeUp.signal).then(() => false)]);
  } finally {
    signal.removeEventListener('abort', stop);
    timeUp.abort();
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The run's ledger: each tag's result, recorded on the run's subject while this worker knows it
 * holds the lease, and read back by the next run (`ledgerFromRunEvents`) to trust the target.
 *
 * An append that fails (NATS away, JetStream recovering) is tried again with the same event id,
 * so one that was stored after all is not stored twice; each attempt waits no longer than the
 * lease is known to be held. Once it is not known to be held, a renewal is asked for first: if the
 * log accepts it the run still holds the lease, if the decider refuses it the run has stopped. So
 * an outage shorter than the lease only delays the results; one that lasts the whole patience
 * ends the run with `ResultsNotRecordedError`.
 */
export class RunLedger {
  private readonly now: () => number;

  constructor(
    private readonly append: AppendRunEvent,
    private readonly lease: Pick<RunLease, 'heldUntil' | 'renew'>,
    /** Aborted when the run stops (cancelled, the worker stopping, the lease lost). */
    private readonly stopped: AbortSignal,
    private readonly options: RunLedgerOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  async record(event: NewEvent<RunEvent>): Promise<void> {
    const eventId = randomUUID();
    const giveUpAt = this.now() + this.options.patienceMs;
    let lastFailure = 'NATS did not answer';
    for (;;) {
      if (this.stopped.aborted) throw new RunStoppedError();
      const left = giveUpAt - this.now();
      if (left <= 0) {
        const failure = resultsNotRecorded(event.data.tag, this.options.patienceMs, lastFailure);
        throw new ResultsNotRecordedError(failure.message);
      }
      const heldFor = this.lease.heldUntil() - LEASE_MARGIN_MS - this.now();
      if (heldFor > 0) {
        try {
          await this.append(event, { eventId, patienceMs: Math.min(heldFor, left) });
          return;
        } catch (error) {
          lastFailure = messageOf(error);
        }
      } else if (await within(this.lease.renew(), left, this.stopped)) {
        continue;
      } else {
        lastFailure = 'the lease could not be renewed';
      }
      await waitFor(Math.min(RETRY_PAUSE_MS, Math.max(0, giveUpAt - this.now())), this.stopped);
    }
  }
}

/**
 * What a run wrote to the target, from its tag events (as stored, or as its worker recorded them):
 * tag → upstream digest, target digest, copy profile.
 */
export function ledgerFromRunEvents(events: readonly NewEvent<RunEvent>[]): MemoryLedger {
  const ledger = new MemoryLedger();
  for (const event of events) {
    // `NewEvent` of a union does not narrow by type: the type names the event.
    const synced = event.type === 'MirrorTagSynced' ? (event as NewEvent<MirrorTagSynced>).data : null;
    if (synced?.sourceDigest && synced.copyProfile) {
      ledger.set(synced.tag, {
        source: synced.sourceDigest,
        target: synced.digest,
        profile: synced.copyProfile,
        ...(synced.verification ? { verification: synced.verification } : {}),
      });
    } else {
      // Failed, deleted, put back by a rollback, or recorded before sources were: not vouched for.
      ledger.delete(event.data.tag);
    }
  }
  return ledger;
}
