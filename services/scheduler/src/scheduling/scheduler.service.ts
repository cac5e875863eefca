import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { EventStore } from '@ferry/event-store';
import { ProjectionRunner, schedulerReadModels } from '@ferry/read-models';
import { observeDueMirrors } from '@ferry/metrics';
import { BackgroundTask, DATA_SOURCE, EVENT_STORE, OutageLog, READINESS, type Readiness } from '@ferry/service-runtime';
import type { SchedulerConfig } from '../config';
import { SCHEDULER_CONFIG } from '../tokens';
import { countDueMirrors, scheduleDueMirrors } from './due-mirror-scheduler';
import { scheduleDueDiscoveries } from './due-org-mirror-scheduler';

/** Keeps the due-mirror and due-discovery indexes current and issues runs and discoveries every tick. */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('scheduler');
  private readonly projection: BackgroundTask;
  private readonly ticker: BackgroundTask;

  constructor(
    @Inject(DATA_SOURCE) dataSource: DataSource,
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(SCHEDULER_CONFIG) config: SchedulerConfig,
    @Inject(READINESS) readiness: Readiness,
  ) {
    const runner = new ProjectionRunner(dataSource, store, schedulerReadModels, new OutageLog(`projection ${schedulerReadModels.name}`, this.logger));
    const ticks = new OutageLog('the scheduler tick', this.logger);
    const discoveryTicks = new OutageLog('the discovery tick', this.logger);
    readiness.follow(runner);
    // A mirror due for two ticks is one the scheduler should have issued a run for by now.
    observeDueMirrors(() => countDueMirrors(dataSource, 2 * config.tickSeconds));
    this.projection = new BackgroundTask('due-mirror projection', (signal) => runner.run(signal));
    this.ticker = new BackgroundTask('scheduler tick', async (signal) => {
      while (!signal.aborted) {
        try {
          const result = await scheduleDueMirrors(dataSource, store, config);
          ticks.succeeded();
          if (result.scheduled) this.logger.log(`scheduled ${result.scheduled} of ${result.considered} due mirrors`);
        } catch (error) {
          ticks.failed(error);
        }
        try {
          const discoveries = await scheduleDueDiscoveries(dataSource, store, config);
          discoveryTicks.succeeded();
          if (discoveries.scheduled) this.logger.log(`scheduled ${discoveries.scheduled} of ${discoveries.considered} due organization discoveries`);
        } catch (error) {
          discoveryTicks.failed(error);
        }
        // Removes its abort listener when the tick comes (one left behind per tick was a leak).
        await sleep(config.tickSeconds * 1000, undefined, { signal }).catch(() => undefined);
      }
    });
  }

  onApplicationBootstrap(): void {
    this.projection.start();
    this.ticker.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.ticker.stop(), this.projection.stop()]);
  }
}
