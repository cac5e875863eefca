import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { aggregateSubject, AggregateKind, kindSubjects, serviceActor } from '@ferry/contracts';
import { handleCommand, type EventStore } from '@ferry/event-store';
import { notificationRuleDecider } from '@ferry/mirror';
import { createReceiverAgent } from '@ferry/notifications';
import { createSecretBox } from '@ferry/secrets';
import { BackgroundTask, DATA_SOURCE, EVENT_STORE, OutageLog } from '@ferry/service-runtime';
import type { NotifierConfig } from '../config';
import { NOTIFIER_CONFIG } from '../tokens';
import { DeliveryWorker } from './delivery-worker';
import { NotificationDispatcher } from './notification-dispatcher';

const NOTIFIER_ACTOR = serviceActor('notifier');

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
      new OutageLog('notification delivery', this.logger),
      async (ruleId, failures, deliveryId) => {
        await handleCommand(
          store,
          aggregateSubject(store.prefix, AggregateKind.NotificationRule, ruleId),
          ruleId,
          notificationRuleDecider,
          { kind: 'record-failures', failures },
          { correlationId: deliveryId, causationId: deliveryId, actor: NOTIFIER_ACTOR },
        );
      },
    );
    const dispatcher = new NotificationDispatcher(dataSource, config, () => worker.wake());
    const queueing = new OutageLog('the notification consumer', this.logger);
    this.consumer = new BackgroundTask('notification consumer', (signal) =>
      store.consumeDurable(
        'notifier',
        kindSubjects(store.prefix, AggregateKind.Mirror),
        async (event) => {
          const disposition = await dispatcher.handle(event);
          queueing.succeeded();
          return disposition;
        },
        signal,
        {
          concurrency: config.concurrency,
          onError: (error, event) => queueing.failed(error, event ? `queueing the notifications of event ${event.position} (${event.type}) failed` : 'queueing notifications failed'),
          // A pull that came back says NATS answers; Postgres only a handled event does.
          onPulled: () => queueing.succeeded('NATS'),
        },
      ),
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
