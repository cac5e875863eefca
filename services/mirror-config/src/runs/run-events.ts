import { Inject, Injectable } from '@nestjs/common';
import { aggregateSubject, AggregateKind, type RunEvent, type StoredEvent } from '@ferry/contracts';
import type { EventStore } from '@ferry/event-store';
import type { ProgressBoard, RunProgress } from '@ferry/run-progress';
import { EVENT_STORE } from '@ferry/service-runtime';
import { RUN_PROGRESS } from '../tokens';
import { RunQueries } from './run-queries.service';
import { progressView } from './run.view';

/** One Server-Sent Event of a run's stream. */
export type RunStreamMessage =
  | { event: 'progress'; data: ReturnType<typeof progressView> & { done: boolean } }
  | { event: 'tag'; data: ReturnType<typeof tagResultView> }
  | { event: 'outcome'; data: { run_id: string; status: 'succeeded' | 'failed' | 'cancelled'; tags_copied: number; tags_unchanged: number; tags_deleted: number; tags_failed: number; bytes_copied: number; error: { code: string; message: string } | null } };

/** A tag's result from its run-stream event, as the run's API view lists it. */
export function tagResultView(event: RunEvent) {
  const base = { tag: event.data.tag, digest: null as string | null, bytes_copied: 0, error: null as { code: string; message: string } | null };
  switch (event.type) {
    case 'MirrorTagSynced':
      return { ...base, result: event.data.unchanged ? 'unchanged' : 'copied', digest: event.data.digest, bytes_copied: event.data.bytesCopied };
    case 'MirrorTagFailed':
      return { ...base, result: 'failed', error: event.data.error };
    case 'MirrorTagDeleted':
      return { ...base, result: 'deleted', digest: event.data.digest };
    case 'MirrorTagRolledBack':
      return { ...base, result: 'rolled_back', digest: event.data.digest };
  }
}

/** The run's end, when `event` (on its mirror's subject) is it: its outcome as the stream's last message. */
export function outcomeOf(event: StoredEvent, runId: string): RunStreamMessage | null {
  const ended = (status: 'succeeded' | 'failed' | 'cancelled', summary: { tagsCopied: number; tagsUnchanged: number; tagsDeleted: number; tagsFailed: number; bytesCopied: number } | null, error: { code: string; message: string } | null): RunStreamMessage => ({
    event: 'outcome',
    data: {
      run_id: runId,
      status,
      tags_copied: summary?.tagsCopied ?? 0,
      tags_unchanged: summary?.tagsUnchanged ?? 0,
      tags_deleted: summary?.tagsDeleted ?? 0,
      tags_failed: summary?.tagsFailed ?? 0,
      bytes_copied: summary?.bytesCopied ?? 0,
      error,
    },
  });
  switch (event.type) {
    case 'MirrorSucceeded':
      return event.data.runId === runId ? ended('succeeded', event.data.summary, null) : null;
    case 'MirrorFailed':
      return event.data.runId === runId ? ended('failed', event.data.summary, event.data.error) : null;
    case 'MirrorCancelled':
      return event.data.runId === runId ? ended('cancelled', event.data.summary, null) : null;
    // The worker stops a run whose mirror goes; no end of the run is recorded then.
    case 'MirrorDeleted':
      return ended('cancelled', null, { code: 'MIRROR_DELETED', message: 'the mirror was deleted' });
    default:
      return null;
  }
}

/** Merges async sources into one, in the order their items arrive; ends when `signal` aborts. */
async function* merged<T>(sources: AsyncIterable<T>[], signal: AbortSignal): AsyncGenerator<T> {
  const queue: T[] = [];
  let wake: (() => void) | null = null;
  let failure: unknown = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  const pumps = sources.map(async (source) => {
    try {
      for await (const item of source) {
        queue.push(item);
        notify();
      }
    } catch (error) {
      if (!signal.aborted) failure = error;
      notify();
    }
  });
  signal.addEventListener('abort', notify, { once: true });
  try {
    while (!signal.aborted) {
      if (failure) throw failure;
      const next = queue.shift();
      if (next !== undefined) yield next;
      else await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    signal.removeEventListener('abort', notify);
    void Promise.allSettled(pumps);
  }
}

type Source = { kind: 'tag'; event: StoredEvent } | { kind: 'end'; event: StoredEvent } | { kind: 'progress'; progress: RunProgress };

/**
 * A run as a stream: its live progress (from the progress board), each tag's result (from the
 * run's subject in the event log, from its first) and its outcome (from the mirror's subject),
 * then the end. The log is read, not the read models, so a run that ends between two looks is
 * still told to its end, and every tag's result comes before the outcome.
 */
@Injectable()
export class RunEvents {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(RUN_PROGRESS) private readonly progress: ProgressBoard,
    private readonly runs: RunQueries,
  ) {}

  /** Checks the run exists (a 404 otherwise, before anything is streamed) and returns its stream. */
  async open(namespace: string, repository: string, runId: string): Promise<(signal: AbortSignal) => AsyncGenerator<RunStreamMessage>> {
    const run = await this.runs.get(namespace, repository, runId);
    const mirrorId = `${namespace}/${repository}`;
    return (signal) => this.stream(mirrorId, run.run_id, signal);
  }

  private async *stream(mirrorId: string, runId: string, outer: AbortSignal): AsyncGenerator<RunStreamMessage> {
    const runSubject = aggregateSubject(this.store.prefix, AggregateKind.Run, runId);
    const mirrorSubject = aggregateSubject(this.store.prefix, AggregateKind.Mirror, mirrorId);
    let lastProgress: string | null = null;
    const progressMessage = (p: RunProgress): RunStreamMessage | null => {
      if (p.runId !== runId || p.updatedAt === lastProgress) return null;
      lastProgress = p.updatedAt;
      return { event: 'progress', data: { ...progressView(p), done: p.done } };
    };
    let tagsFrom = 0;
    /** The tag results not yet sent, read from the log itself (complete up to now). */
    const tagsSoFar = async function* (this: RunEvents): AsyncGenerator<RunStreamMessage> {
      const { events } = await this.store.read(runSubject, tagsFrom);
      for (const event of events) {
        tagsFrom = event.position;
        yield { event: 'tag', data: tagResultView(event as RunEvent) };
      }
    }.bind(this);
    /** The last progress (written before the run's end), the tags not yet sent, then the outcome. */
    const ending = async function* (this: RunEvents, outcome: RunStreamMessage): AsyncGenerator<RunStreamMessage> {
      const last = await this.progress.get(runId);
      const message = last && progressMessage(last);
      if (message) yield message;
      yield* tagsSoFar();
      yield outcome;
    }.bind(this);

    yield* tagsSoFar();
    const history = await this.store.read(mirrorSubject);
    // Already over? (A MirrorDeleted before the run was scheduled is an earlier life of the mirror.)
    let scheduled = false;
    for (const event of history.events) {
      if (event.type === 'MirrorRunScheduled' && event.data.runId === runId) scheduled = true;
      const outcome = outcomeOf(event, runId);
      if (outcome && (event.type !== 'MirrorDeleted' || scheduled)) {
        yield* ending(outcome);
        return;
      }
    }
    const stop = new AbortController();
    const abort = () => stop.abort();
    outer.addEventListener('abort', abort, { once: true });
    const store = this.store;
    const board = this.progress;
    const follow = async function* (subject: string, from: number, kind: 'tag' | 'end'): AsyncGenerator<Source> {
      for await (const event of store.follow(from, stop.signal, subject)) yield { kind, event };
    };
    const watch = async function* (): AsyncGenerator<Source> {
      for await (const progress of board.watch(runId, stop.signal)) yield { kind: 'progress', progress };
    };
    try {
      for await (const item of merged([follow(runSubject, tagsFrom + 1, 'tag'), follow(mirrorSubject, history.lastSequence + 1, 'end'), watch()], stop.signal)) {
        if (item.kind === 'progress') {
          const message = progressMessage(item.progress);
          if (message) yield message;
        } else if (item.kind === 'tag') {
          if (item.event.position <= tagsFrom) continue;
          tagsFrom = item.event.position;
          yield { event: 'tag', data: tagResultView(item.event as RunEvent) };
        } else {
          const outcome = outcomeOf(item.event, runId);
          if (outcome) {
            yield* ending(outcome);
            return;
          }
        }
      }
    } finally {
      outer.removeEventListener('abort', abort);
      stop.abort();
    }
  }
}
