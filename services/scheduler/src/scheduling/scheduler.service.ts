import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { EventStore } from '@ferry/event-store';
import { schedulerReadModels } from '@ferry/read-models';
import { observeDueMirrors } from '@ferry/metrics';
import { BackgroundTask, DATA_SOURCE, EVENT_STORE, OutageLog, projectionTask, READINESS, type Readiness } from '@ferry/service-runtime';
import type { SchedulerConfig } from '../config';
import { SCHEDULER_CONFIG } from '../tokens';
import { readDueIndex } from './due-index';
import { countDueMirrors, scheduleDueMirrors, type TickResult } from './due-mirror-scheduler';
import { scheduleDueDiscoveries } from './due-org-mirror-scheduler';
import { MirrorFoldFeed } from './mirror-folds';
import { NextWakePlanner, type PassOutcome } from './next-wake';

/**
 * Keeps the due-mirror and due-discovery indexes current and issues runs and discoveries as they
 * fall due: woken by its projection and by the earliest `due_at` (see `NextWakePlanner`), with the
 * tick (`REPO_MIRROR_INTERVAL`) only as the longest it goes without a look.
 */
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
    const { runner, task: projection } = projectionTask(schedulerReadModels, { dataSource, store, readiness });
    this.projection = projection;
    const ticks = new OutageLog('the scheduler tick', this.logger);
    const discoveryTicks = new OutageLog('the discovery tick', this.logger);
    const indexReads = new OutageLog('reading the due indexes', this.logger);
    // A mirror due for two ticks is one the scheduler should have issued a run for by now.
    observeDueMirrors(() => countDueMirrors(dataSource, 2 * config.tickSeconds));
    const tickMs = config.tickSeconds * 1000;
    const planner = new NextWakePlanner({
      tickMs,
      readIndex: async (now) => {
        const view = await readDueIndex(dataSource, now);
        indexReads.succeeded();
        return view;
      },
      onReadFailed: (error) => indexReads.failed(error),
    });
    runner.onApplied(() => planner.indexMoved());
    const folds = new MirrorFoldFeed(store);
    runner.onFollowed((events, follow) => folds.followed(events, follow));

    /** Issues what is due now, each kind apart, so that one failing leaves the other going. */
    const pass = async (): Promise<PassOutcome & { lastPosition: number }> => {
      const outcome = { considered: 0, issued: 0, backlog: false, failed: false, lastPosition: 0 };
      const count = (result: TickResult) => {
        outcome.considered += result.considered;
        outcome.issued += result.scheduled;
        outcome.backlog ||= result.considered >= config.batchSize;
        outcome.lastPosition = Math.max(outcome.lastPosition, result.lastPosition);
      };
      try {
        const result = await scheduleDueMirrors(dataSource, store, config);
        ticks.succeeded();
        count(result);
        if (result.scheduled) this.logger.log(`scheduled ${result.scheduled} of ${result.considered} due mirrors`);
      } catch (error) {
        outcome.failed = true;
        ticks.failed(error);
      }
      try {
        const discoveries = await scheduleDueDiscoveries(dataSource, store, config);
        discoveryTicks.succeeded();
        count(discoveries);
        if (discoveries.scheduled) this.logger.log(`scheduled ${discoveries.scheduled} of ${discoveries.considered} due organization discoveries`);
      } catch (error) {
        outcome.failed = true;
        discoveryTicks.failed(error);
      }
      return outcome;
    };

    this.ticker = new BackgroundTask('scheduler', async (signal) => {
      const stopping = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      while (!signal.aborted) {
        await planner.untilWake(signal);
        if (signal.aborted) return;
        planner.passStarting();
        const outcome = await pass();
        // The runs just issued leave the index once projected; a pass before that would ask each
        // mirror again (a read of its subject apiece) only for the decider to refuse. A stop does
        // not wait for it (a service exits within seconds of SIGTERM).
        if (outcome.lastPosition > 0) await Promise.race([runner.waitFor(outcome.lastPosition, tickMs), stopping]);
        await planner.passEnded(outcome);
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
