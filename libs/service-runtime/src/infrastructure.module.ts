import { Global, Inject, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { EventStore } from '@ferry/event-store';
import { openDatabase } from '@ferry/read-models';
import type { BaseConfig } from './base-config';

/** Injection tokens for the connections every service holds. */
export const EVENT_STORE = Symbol('EventStore');
export const DATA_SOURCE = Symbol('DataSource');
export const BASE_CONFIG = Symbol('BaseConfig');

class ConnectionCloser implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource | null,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close().catch((e) => Logger.warn(`closing NATS: ${e}`));
    await this.dataSource?.destroy().catch((e) => Logger.warn(`closing Postgres: ${e}`));
  }
}

/**
 * Connects the event store and, unless `database: false` (the sync-worker keeps no tables), the
 * database (migrating it), once per process.
 */
@Global()
@Module({})
export class InfrastructureModule {
  /** `publishPatienceMs`: how long appends retry while NATS is away (the event store's default otherwise). */
  static forRoot(config: BaseConfig, options: { database?: boolean; publishPatienceMs?: number } = {}): DynamicModule {
    return {
      module: InfrastructureModule,
      providers: [
        { provide: BASE_CONFIG, useValue: config },
        {
          provide: EVENT_STORE,
          useFactory: () =>
            EventStore.connect({
              natsUrl: config.natsUrl,
              stream: config.eventStream,
              subjectPrefix: config.subjectPrefix,
              replicas: config.streamReplicas,
              ...(options.publishPatienceMs === undefined ? {} : { publishPatienceMs: options.publishPatienceMs }),
            }),
        },
        { provide: DATA_SOURCE, useFactory: () => (options.database === false ? null : openDatabase(config.databaseUrl)) },
        ConnectionCloser,
      ],
      exports: [BASE_CONFIG, EVENT_STORE, DATA_SOURCE],
    };
  }
}
