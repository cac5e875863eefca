import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AggregateKind, kindSubjects } from '@ferry/contracts';
import type { EventStore } from '@ferry/event-store';
import { createReceiverAgent } from '@ferry/notifications';
import { createSecretBox } from '@ferry/secrets';
import { BackgroundTask, DATA_SOURCE, EVENT_STORE } from '@ferry/service-runtime';
import type { NotifierConfig } from '../config';
import { NOTIFIER_CONFIG } from '../tokens';
import { NotificationDispatcher } from './notification-dispatcher';

/**
 * Reads mirror events from a durable consumer, so events that arrive while the notifier is down
 * are delivered when it is back; an event is acked only after its deliveries are recorded.
 */
@Injectable()
export class NotifierService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('notifier');
  private readonly task: BackgroundTask;

  constructor(
    @Inject(DATA_SOURCE) dataSource: DataSource,
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(NOTIFIER_CONFIG) config: NotifierConfig,
  ) {
    const dispatcher = new NotificationDispatcher(dataSource, createSecretBox(config.encryptionKey), config, createReceiverAgent(config.allowedHosts));
    this.task = new BackgroundTask('notification consumer', (signal) =>
      store.consumeDurable('notifier', kindSubjects(store.prefix, AggregateKind.Mirror), (event) => dispatcher.handle(event), signal, {
        concurrency: config.concurrency,
        onError: (e) => this.logger.error(`delivery failed: ${(e as Error).stack ?? e}`),
      }),
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }
}
