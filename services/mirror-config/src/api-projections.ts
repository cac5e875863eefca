import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { EventStore } from '@ferry/event-store';
import { apiReadModels, type ProjectionRunner } from '@ferry/read-models';
import { DATA_SOURCE, EVENT_STORE, projectionTask, READINESS, type BackgroundTask, type Readiness } from '@ferry/service-runtime';
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
    const { runner, task } = projectionTask(apiReadModels, { dataSource, store, readiness, maxBatch: config.projectionBatch });
    this.runner = runner;
    this.task = task;
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }
}
