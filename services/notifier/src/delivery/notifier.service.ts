import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AggregateKind, kindSubjects } from '@ferry/contracts';
import type { EventStore } from '@ferry/event-store';
import { createReceiverAgent } from '@ferry/notifications';
import { createSecretBox } from '@ferry/secrets';
import { BackgroundTask, DATA_SOURCE, EVENT_STORE } from '@ferry/service-runtime';
import type { NotifierConfig } from '../config';
import { NOTIFIER_CONFIG } from '../tokens';
import { DeliveryWorker } from './delivery-worker';
import { NotificationDispatcher } from './notification-dispatcher';

/**
 * Reads mirror events from a durable consumer, so events that arrive while the notifier is down
 * are queued when it is back; an event is acked only after its deliveries are recorded. The
 * delivery worker sends what is queued, each delivery on its own retry schedule.
 */
@Injectable()
export class NotifierService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('notifier');
  private readonly consumer: BackgroundTask;
  private readonly sender: BackgroundTask;

  constructor(
    @Inject(DATA_SOURCE) dataSource: DataSource,
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(NOTIFIER_CONFIG) config: NotifierConfig,
  ) {
    const worker = new DeliveryWorker(
      dataSource,
      createSecretBox(config.encryptionKey),
      { ...config, concurrency: config.deliveryConcurrency },
      createReceiverAgent(config.allowedHosts),
      (e) => this.logger.error(`delivery failed: ${(e as Error).stack ?? e}`),
    );
    const dispatcher = new NotificationDispatcher(dataSource, config, () => worker.wake());
    this.consumer = new BackgroundTask('notification consumer', (signal) =>
      store.consumeDurable('notifier', kindSubjects(store.prefix, AggregateKind.Mirror), (event) => dispatcher.handle(event), signal, {
        concurrency: config.concurrency,
        onError: (e) => this.logger.error(`queueing notifications failed: ${(e as Error).stack ?? e}`),
      }),
    );
    this.sender = new BackgroundTask('notification delivery', (signal) => worker.run(signal));
  }

  onApplicationBootstrap(): void {
    this.consumer.start();
    this.sender.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.consumer.stop(), this.sender.stop()]);
  }
}
