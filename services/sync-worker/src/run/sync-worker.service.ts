import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { fullJitterDelay, type BackoffCurve } from '@ferry/backoff';
import { kindSubjects, AggregateKind, type StoredEvent } from '@ferry/contracts';
import { codeFingerprint, traceIdOf, type EventStore, type FoldSnapshots } from '@ferry/event-store';
import { recordWorkerActive } from '@ferry/metrics';
import { ProgressBoard, runProgressBucket } from '@ferry/run-progress';
import { DispatcherPool } from '@ferry/registry-client';
import { createSecretBox } from '@ferry/secrets';
import { BackgroundTask, EVENT_STORE, OutageLog, withLogFields, type LogFields } from '@ferry/service-runtime';
import type { SyncWorkerConfig } from '../config';
import { WORKER_CONFIG } from '../tokens';
import { MirrorMemory } from './mirror-memory';
import { MirrorRunExecutor } from './mirror-run.executor';
import { RateLimitBoard } from './rate-limit-board';
import { logRunEnd } from './run-log-lines';
import { UpstreamSlots } from './upstream-slots';

/**
 * How long an upstream slot whose run ended waits for this worker's next run on the host before
 * it is released (see `UpstreamSlots.open`): the next run is usually delivered within milliseconds.
 */
const SLOT_HANDOVER_MS = 500;

/** How long a mirror's snapshot outlives its last run: a mirror idle longer is read from its events once. */
const MIRROR_SNAPSHOT_TTL_MS = 7 * 24 * 3600_000;

/** How long a worker's report of a spent pull budget holds for the others (it reports again while it lasts). */
const RATE_LIMIT_MEMORY_MS = 10 * 60_000;

/**
 * A run whose upstream had no free slot is offered again after a second and up to two more, at
 * random, so the runs waiting for one host do not all come back at once.
 */
const BUSY_UPSTREAM_PAUSE_MS = 1_000;
const BUSY_UPSTREAM_SPREAD: BackoffCurve = { baseMs: 2_000, maxMs: 2_000 };

/** Every line logged for a run names its mirror, run and trace (the run's span joins the trace of its scheduling). */
function runLogFields(event: StoredEvent & { type: 'MirrorRunScheduled' }): LogFields {
  return { mirror_id: event.data.mirrorId, run_id: event.data.runId, trace_id: traceIdOf(event.traceparent) ?? undefined };
}

/** The JetStream KV buckets the run consumer keeps beside the log. */
interface RunBoards {
  slots: UpstreamSlots;
  rateLimits: RateLimitBoard;
  progress: ProgressBoard;
  snapshots: FoldSnapshots;
}

/**
 * Opens the run consumer's boards, creating their buckets the first time (on a cluster, creating a
 * replicated bucket needs every node up). The rate-limit board, which watches its bucket until
 * `stopping`, opens last, so a failed attempt leaves no watch behind.
 */
async function openRunBoards(store: EventStore, config: SyncWorkerConfig, stopping: AbortSignal): Promise<RunBoards> {
  const [slots, progress, snapshots] = await Promise.all([
    UpstreamSlots.open(store, `${config.eventStream}_UPSTREAM_SLOTS`, config.leaseSeconds * 1000, config.streamReplicas, { handoverMs: SLOT_HANDOVER_MS }),
    ProgressBoard.open(store, runProgressBucket(config.eventStream), config.streamReplicas),
    // A fold is the mirror decider's, over events as the contracts define them: snapshots of another build are not used.
    store.openFoldSnapshots(`${config.eventStream}_MIRROR_FOLDS`, {
      ttlMs: MIRROR_SNAPSHOT_TTL_MS,
      replicas: config.streamReplicas,
      code: codeFingerprint([require.resolve('@ferry/mirror'), require.resolve('@ferry/contracts')]),
    }),
  ]);
  const rateLimits = await RateLimitBoard.open(store, `${config.eventStream}_RATE_LIMITS`, RATE_LIMIT_MEMORY_MS, config.streamReplicas);
  stopping.addEventListener('abort', () => rateLimits.close(), { once: true });
  return { slots, rateLimits, progress, snapshots };
}

/**
 * Takes scheduled runs from one durable JetStream consumer shared by every sync-worker process
 * (competing consumers): more processes, more mirrors in parallel. A message is acked only after
 * the run's terminal event is stored; a worker that dies leaves it unacked for another. A worker
 * told to stop takes no more runs and gives back the ones it holds (their leases end at once),
 * so other workers resume them without waiting the leases out.
 */
@Injectable()
export class SyncWorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('sync-worker');
  private readonly task: BackgroundTask;

  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(WORKER_CONFIG) config: SyncWorkerConfig) {
    const consuming = new OutageLog('the run consumer', this.logger);
    let boards: Promise<RunBoards> | undefined;
    this.task = new BackgroundTask('run consumer', async (signal) => {
      // Opened once and kept across restarts of the consumer: each restart opened them anew (a
      // request per bucket, and a rate-limit watch left open each time).
      boards ??= openRunBoards(store, config, signal).catch((error: unknown) => {
        boards = undefined;
        throw error;
      });
      const { slots, rateLimits, progress, snapshots } = await boards;
      const dispatchers = new DispatcherPool();
      const quotas = await store.watchFolds(kindSubjects(store.prefix, AggregateKind.Quota));
      const executor = new MirrorRunExecutor(store, createSecretBox(config.encryptionKey), config, slots, rateLimits, progress, {
        dispatchers,
        memory: new MirrorMemory(store, snapshots),
        quotas,
      });
      try {
        await store.consumeDurable(
          'sync-worker',
          kindSubjects(store.prefix, AggregateKind.Mirror),
          async (event, message) => {
            if (event.type !== 'MirrorRunScheduled') return { ack: true };
            return withLogFields(runLogFields(event), async () => {
              const end = await executor.execute(event, () => message.working(), signal, message.previousPosition);
              logRunEnd(this.logger, event.data, end);
              if (end.kind === 'busy-upstream') return { retryInMs: BUSY_UPSTREAM_PAUSE_MS + fullJitterDelay(BUSY_UPSTREAM_SPREAD, 1) };
              // Not claimed yet: another worker takes it now. (A run handed back is reassigned by the scheduler.)
              if (end.kind === 'stopping') return { retryInMs: 0 };
              return { ack: true };
            });
          },
          signal,
          {
            concurrency: config.concurrency,
            ackWaitMs: 30_000,
            // A run whose handling threw is offered again after a backoff.
            onError: (error, event) =>
              event?.type === 'MirrorRunScheduled'
                ? withLogFields(runLogFields(event), () => consuming.failed(error, `run ${event.data.runId} of ${event.data.mirrorId} stopped on an error; it is offered again`))
                : consuming.failed(error, 'taking runs failed'),
            onPulled: () => consuming.succeeded('NATS'),
            wants: (type) => type === 'MirrorRunScheduled',
          },
        );
      } finally {
        // Once every run has ended or been handed back: a run still stopping may yet be using them.
        await dispatchers.close();
        await slots.close();
        quotas.close();
      }
    });
  }

  onApplicationBootstrap(): void {
    this.task.start();
    recordWorkerActive(true);
  }

  async onApplicationShutdown(): Promise<void> {
    recordWorkerActive(false);
    await this.task.stop();
  }
}
