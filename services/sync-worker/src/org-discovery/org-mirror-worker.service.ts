import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AggregateKind, kindSubjects, type StoredEvent } from '@ferry/contracts';
import { traceIdOf, type Disposition, type EventStore } from '@ferry/event-store';
import { createSecretBox, type SecretBox } from '@ferry/secrets';
import { BackgroundTask, EVENT_STORE, OutageLog, withLogFields } from '@ferry/service-runtime';
import type { SyncWorkerConfig } from '../config';
import { WORKER_ACTOR } from '../run/mirror-run.executor';
import { WORKER_CONFIG } from '../tokens';
import { ChildRepositories } from './child-repositories';
import { DiscoveryExecutor, type ScheduledDiscovery } from './discovery-executor';
import { letGoOfRepositories, rollOutSettings } from './org-mirror-changes';
import { upstreamListers } from './page-lister';
import { imagesDeleter } from './target-images';

/**
 * The organization mirrors' side of the sync-worker: one durable consumer of their subjects,
 * shared by every worker process, that runs scheduled discoveries, rolls changed settings out to
 * the discovered repositories and lets go of them when the organization mirror is deleted. A
 * message is acked once its effects are stored; a worker told to stop gives its discoveries back.
 */
@Injectable()
export class OrgMirrorWorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('sync-worker');
  private readonly task: BackgroundTask;
  private readonly secrets: SecretBox;
  private readonly executor: DiscoveryExecutor;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(WORKER_CONFIG) private readonly config: SyncWorkerConfig,
  ) {
    this.secrets = createSecretBox(config.encryptionKey);
    this.executor = new DiscoveryExecutor(store, this.secrets, config, upstreamListers(config));
    const consuming = new OutageLog('the organization mirror consumer', this.logger);
    this.task = new BackgroundTask('organization mirror consumer', (signal) =>
      store.consumeDurable(
        'sync-worker-orgmirror',
        kindSubjects(store.prefix, AggregateKind.OrgMirror),
        (event, message) =>
          withLogFields({ run_id: (event.data as { runId?: string }).runId, trace_id: traceIdOf(event.traceparent) ?? undefined }, () =>
            this.handle(event, () => message.working(), signal),
          ),
        signal,
        {
          concurrency: config.concurrency,
          ackWaitMs: 30_000,
          // An event whose handling threw is offered again after a backoff.
          onError: (error, event) => consuming.failed(error, event ? `organization mirror event ${event.type} of ${(event.data as { organization?: string }).organization ?? '?'} stopped on an error; it is offered again` : 'taking organization mirror events failed'),
          onPulled: () => consuming.succeeded('NATS'),
        },
      ),
    );
  }

  private async handle(event: StoredEvent, heartbeat: () => void, stopping: AbortSignal): Promise<Disposition> {
    const { store } = this;
    const children = () => new ChildRepositories(store, { correlationId: event.correlationId, causationId: event.id, actor: WORKER_ACTOR }, imagesDeleter(store, this.secrets, this.config));
    switch (event.type) {
      case 'OrgDiscoveryScheduled': {
        const end = await this.executor.execute(event as ScheduledDiscovery, heartbeat, stopping);
        // Not claimed yet: another worker takes it now. (One handed back is reassigned by the scheduler.)
        return end === 'stopping' ? { retryInMs: 0 } : { ack: true };
      }
      case 'OrgMirrorUpdated': {
        const changed = await rollOutSettings(store, children(), event as Parameters<typeof rollOutSettings>[2]);
        if (changed) this.logger.log(`organization mirror ${event.data.organization}: settings rolled out to ${changed} repositories`);
        return { ack: true };
      }
      case 'OrgMirrorDeleted': {
        const released = await letGoOfRepositories(store, children(), event as Parameters<typeof letGoOfRepositories>[2]);
        this.logger.log(`organization mirror ${event.data.organization} deleted: ${released} repositories ${event.data.deleteRepositories ? 'deleted with their images' : 'back to NORMAL, their images kept'}`);
        return { ack: true };
      }
      default:
        return { ack: true };
    }
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }
}
