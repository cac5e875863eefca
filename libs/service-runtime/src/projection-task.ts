import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { EventStore } from '@ferry/event-store';
import { ProjectionRunner, type ProjectionGroup } from '@ferry/read-models';
import { BackgroundTask } from './background-task';
import { OutageLog } from './outage-log';
import type { Readiness } from './readiness';

/** What a service's projection runs on. */
export interface ProjectionTaskSettings {
  dataSource: DataSource;
  store: EventStore;
  readiness: Readiness;
  /** Most events applied in one transaction; the runner's default without it. */
  maxBatch?: number;
  /** How long a batch gathers events under load (the runner's `lingerMs`); the runner's default without it. */
  lingerMs?: number;
}

/**
 * A projection group following the log while the service runs, wired the same way in every
 * service: readiness follows its runner, its outages are told as `projection <group>`, and its
 * loop is a `BackgroundTask` (restarted after a crash). The service starts and stops `task`.
 */
export function projectionTask(group: ProjectionGroup, settings: ProjectionTaskSettings): { runner: ProjectionRunner; task: BackgroundTask } {
  const runner = new ProjectionRunner(settings.dataSource, settings.store, group, new OutageLog(`projection ${group.name}`, new Logger('projections')), settings.maxBatch, settings.lingerMs);
  settings.readiness.follow(runner);
  // Named apart from the runner's own log, so that an outage both see is still one line per loop.
  return { runner, task: new BackgroundTask(`${group.name} projection task`, (signal) => runner.run(signal)) };
}
