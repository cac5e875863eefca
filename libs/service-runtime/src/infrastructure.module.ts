import { Global, Inject, Logger, Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { EventStore, type ConnectionChange } from '@ferry/event-store';
import { EVENT_STORE_METRICS, exposeMetrics, exposeProcessMetrics, PROJECTION_METRICS, type Metric } from '@ferry/metrics';
import { openDatabase } from '@ferry/read-models';
import type { BaseConfig } from './base-config';
import { errorText } from './error-text';
import { startOpsServer, type MetricsSettings, type OpsServer } from './ops-server';
import { Readiness, type TargetRegistryProbe } from './readiness';

/** Injection tokens for the connections every service holds. */
export const EVENT_STORE = Symbol('EventStore');
export const DATA_SOURCE = Symbol('DataSource');
export const BASE_CONFIG = Symbol('BaseConfig');
/** The service's {@link Readiness}: a projection the service runs joins it with `follow`. */
export const READINESS = Symbol('Readiness');
const METRICS_SETTINGS = Symbol('MetricsSettings');

/** Serves the metrics port from boot (so /healthz answers while the service starts) until shutdown. */
class MetricsPort implements OnModuleInit, OnApplicationShutdown {
  private server: OpsServer | null = null;

  constructor(
    @Inject(METRICS_SETTINGS) private readonly settings: MetricsSettings,
    @Inject(READINESS) private readonly readiness: Readiness,
  ) {}

  async onModuleInit(): Promise<void> {
    this.server = await startOpsServer(this.settings, this.readiness);
    Logger.log(`metrics on ${this.server.url}/metrics, health on ${this.server.url}/healthz and /readyz`, 'metrics');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
  }
}

/**
 * The service's connection to NATS, lost and back: one line each however long the client keeps
 * reconnecting (warn: the service waits; info: it works again).
 */
function logConnectionChange(change: ConnectionChange): void {
  if (change.connected) {
    const seconds = Math.round(change.downMs / 1000);
    Logger.log({ msg: `reconnected to NATS at ${change.server} after ${seconds} s`, server: change.server, outage_seconds: seconds }, 'nats');
  } else {
    Logger.warn({ msg: `lost the connection to NATS at ${change.server}; reconnecting until it is back`, server: change.server }, 'nats');
  }
}

class ConnectionCloser implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource | null,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close().catch((e: unknown) => Logger.warn(`closing NATS: ${errorText(e)}`, 'shutdown'));
    await this.dataSource?.destroy().catch((e: unknown) => Logger.warn(`closing Postgres: ${errorText(e)}`, 'shutdown'));
  }
}

/**
 * Connects the event store and, unless `database: false` (the sync-worker keeps no tables), the
 * database (migrating it), once per process.
 */
@Global()
@Module({})
export class InfrastructureModule {
  /**
   * `publishPatienceMs`: how long appends retry while NATS is away (the event store's default
   * otherwise); `metrics`: what the service records beyond the event store's and the projections'
   * metrics; `targetRegistry`: a registry the service cannot work without (readiness probes it).
   */
  static forRoot(
    config: BaseConfig & { metrics: MetricsSettings },
    options: { database?: boolean; publishPatienceMs?: number; metrics?: readonly Metric[]; targetRegistry?: TargetRegistryProbe } = {},
  ): DynamicModule {
    exposeProcessMetrics();
    exposeMetrics([...EVENT_STORE_METRICS, ...(options.database === false ? [] : PROJECTION_METRICS), ...(options.metrics ?? [])]);
    return {
      module: InfrastructureModule,
      providers: [
        { provide: BASE_CONFIG, useValue: config },
        { provide: METRICS_SETTINGS, useValue: config.metrics },
        {
          provide: EVENT_STORE,
          useFactory: () =>
            EventStore.connect({
              natsUrl: config.natsUrl,
              stream: config.eventStream,
              subjectPrefix: config.subjectPrefix,
              replicas: config.streamReplicas,
              onConnectionChange: logConnectionChange,
              ...(options.publishPatienceMs === undefined ? {} : { publishPatienceMs: options.publishPatienceMs }),
            }),
        },
        { provide: DATA_SOURCE, useFactory: () => (options.database === false ? null : openDatabase(config.databaseUrl)) },
        {
          provide: READINESS,
          useFactory: (store: EventStore, dataSource: DataSource | null) => new Readiness(store, dataSource, options.targetRegistry ?? null),
          inject: [EVENT_STORE, DATA_SOURCE],
        },
        MetricsPort,
        ConnectionCloser,
      ],
      exports: [BASE_CONFIG, EVENT_STORE, DATA_SOURCE, READINESS],
    };
  }
}
