import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { EventStore } from '@ferry/event-store';
import { apiReadModels, type ProjectionRunner } from '@ferry/read-models';
import { DATA_SOURCE, EVENT_STORE, projectionTask, READINESS, type BackgroundTask, type Readiness } from '@ferry/service-runtime';
import type { MirrorConfigServiceConfig } from './config';
import { SERVICE_CONFIG } from './tokens';

/**
 * How long the API's projection gathers events under load (an event after a quiet spell is applied
 * at once): its batches cost a transaction, a checkpoint and an event-log insert each, and a run's
 * three writes of its `runs` row become one when its events share a batch. An API command waiting
 * for its own events does not wait this out: the batch ends as soon as it holds them (the runner's
 * hurry). The scheduler keeps the runner's shorter default: its due index decides when runs start.
 */
const API_PROJECTION_LINGER_MS = 100;

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
    const { runner, task } = projectionTask(apiReadModels, { dataSource, store, readiness, maxBatch: config.projectionBatch, lingerMs: API_PROJECTION_LINGER_MS });
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
