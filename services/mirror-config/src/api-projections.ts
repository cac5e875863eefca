import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { EventStore } from '@ferry/event-store';
import { apiReadModels, ProjectionRunner } from '@ferry/read-models';
import { BackgroundTask, DATA_SOURCE, EVENT_STORE, OutageLog, READINESS, type Readiness } from '@ferry/service-runtime';
import type { MirrorConfigServiceConfig } from './config';
import { SERVICE_CONFIG } from './tokens';

/** Keeps the API's read models following the event log while the service runs. */
@Injectable()
export class ApiProjections implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly runner: ProjectionRunner;
  private readonly task: BackgroundTask;

  constructor(
    @Inject(DATA_SOURCE) dataSource: DataSource,
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(SERVICE_CONFIG) config: MirrorConfigServiceConfig,
    @Inject(READINESS) readiness: Readiness,
  ) {
    this.runner = new ProjectionRunner(dataSource, store, apiReadModels, new OutageLog(`projection ${apiReadModels.name}`, new Logger('projections')), config.projectionBatch);
    readiness.follow(this.runner);
    this.task = new BackgroundTask('api projections', (signal) => this.runner.run(signal));
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }
}
