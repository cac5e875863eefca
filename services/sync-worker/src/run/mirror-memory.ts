import { aggregateSubject, AggregateKind, type MirrorRunScheduled, type NewEvent, type RunEvent, type StoredEvent } from '@ferry/contracts';
import { extendKeptFold, foldDelivered, keptFold, type EventStore, type FoldSnapshots } from '@ferry/event-store';
import { mirrorDecider, type MirrorState } from '@ferry/mirror';
import { MemoryLedger, type LedgerEntry } from '@ferry/sync-engine';
import { ledgerFromRunEvents } from './run-ledger';

/** A run's ledger (tag → what it wrote), as the next run of the mirror may trust the target by it. */
export interface RunLedgerRecord {
  runId: string;
  tags: Record<string, LedgerEntry>;
}

/**
 * Ledgers kept in this process, counted in tags: a one-tag mirror's costs one, a 500-tag mirror's
 * 500 (some 100 KB). Past this the least recently used go first; their next runs read the ledger.
 */
const MAX_KEPT_LEDGER_TAGS = 50_000;

/**
 * What a worker knows of a mirror between its runs, so that a run reads as little as it can: the
 * fold of the mirror's events, and the ledger of its last run (what the run wrote to the target,
 * by which the next one trusts the target between full checks). Both are kept in this process for
 * the mirror's next run here, and, after a run that ended, as the mirror's snapshot for whichever
 * worker takes its next run (`FoldSnapshots`): a worker new to a mirror reads one snapshot instead
 * of the mirror's whole history, which every run lengthens, and the last run's results.
 */
export class MirrorMemory {
  /** By mirror subject, least recently used first. */
  private readonly ledgers = new Map<string, RunLedgerRecord>();
  private keptTags = 0;

  constructor(
    private readonly store: EventStore,
    private readonly snapshots?: FoldSnapshots,
  ) {}

  /**
   * Brings this worker's fold of the mirror up to the scheduling event it was handed (see
   * `foldDelivered`), from the mirror's snapshot when its own fold is missing or behind: true when
   * the fold ends at that event, so the claim may decide on it without reading.
   */
  async foldThrough(subject: string, scheduled: StoredEvent & { type: MirrorRunScheduled['type'] }, previousPosition: number | undefined): Promise<boolean> {
    if (extendKeptFold(this.store, subject, mirrorDecider, scheduled, previousPosition)) return true;
    if (previousPosition === undefined) return false;
    const snapshot = await this.snapshots?.load<MirrorState, RunLedgerRecord>(subject);
    if (snapshot?.attachment && snapshot.attachment.runId === snapshot.state.lastRunId) this.keepLedger(subject, snapshot.attachment);
    return foldDelivered(this.store, subject, mirrorDecider, scheduled, previousPosition, snapshot);
  }

  /**
   * What the mirror's run `runId` wrote to the target: from this worker's memory or the mirror's
   * snapshot when they hold it (a copy, since a run changes its ledger as it goes), else from the
   * run's tag events (see `ledgerFromRunEvents`).
   */
  async ledgerOf(subject: string, runId: string): Promise<MemoryLedger> {
    const kept = this.ledgers.get(subject);
    if (kept?.runId !== runId) {
      const { events } = await this.store.read(aggregateSubject(this.store.prefix, AggregateKind.Run, runId), 0, { short: true });
      return ledgerFromRunEvents(events as RunEvent[]);
    }
    this.ledgers.delete(subject);
    this.ledgers.set(subject, kept);
    const ledger = new MemoryLedger();
    for (const [tag, entry] of Object.entries(kept.tags)) ledger.set(tag, entry);
    return ledger;
  }

  /**
   * After a run ended: keeps its ledger (when `results` are every result the run recorded, see the
   * executor) and leaves the worker's fold, which ends with the run's end, as the mirror's snapshot.
   */
  runEnded(subject: string, run: { runId: string; results?: readonly NewEvent<RunEvent>[] }): void {
    const record = run.results ? { runId: run.runId, tags: Object.fromEntries(ledgerFromRunEvents(run.results).entries) } : undefined;
    if (record) this.keepLedger(subject, record);
    else this.forgetLedger(subject);
    const fold = keptFold<MirrorState>(this.store, subject, mirrorDecider);
    if (fold) this.snapshots?.save(subject, fold, record);
  }

  private keepLedger(subject: string, record: RunLedgerRecord): void {
    this.forgetLedger(subject);
    this.ledgers.set(subject, record);
    this.keptTags += Object.keys(record.tags).length;
    for (const [oldest, kept] of this.ledgers) {
      if (this.keptTags <= MAX_KEPT_LEDGER_TAGS) break;
      this.ledgers.delete(oldest);
      this.keptTags -= Object.keys(kept.tags).length;
    }
  }

  private forgetLedger(subject: string): void {
    const kept = this.ledgers.get(subject);
    if (!kept) return;
    this.ledgers.delete(subject);
    this.keptTags -= Object.keys(kept.tags).length;
  }
}
