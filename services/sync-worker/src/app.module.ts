import { Module, type DynamicModule } from '@nestjs/common';
import { DISCOVERY_METRICS, REGISTRY_REQUEST_METRICS, RUN_METRICS } from '@ferry/metrics';
import { InfrastructureModule } from '@ferry/service-runtime';
import type { SyncWorkerConfig } from './config';
import { OrgMirrorWorkerService } from './org-discovery/org-mirror-worker.service';
import { SyncWorkerService } from './run/sync-worker.service';
import { WORKER_CONFIG } from './tokens';

/** The sync-worker's composition root. */
@Module({})
export class AppModule {
  static forRoot(config: SyncWorkerConfig): DynamicModule {
    return {
      module: AppModule,
      // A run's results wait out a NATS outage (10 min) rather than fail the run: the lease's
      // fencing still refuses them if another worker took the run over meanwhile.
      imports: [
        InfrastructureModule.forRoot(config, {
          database: false,
          publishPatienceMs: 10 * 60_000,
          metrics: [...RUN_METRICS, ...REGISTRY_REQUEST_METRICS, ...DISCOVERY_METRICS],
          // Not ready while the registry it writes to is away.
          targetRegistry: { registryUrl: config.target.registryUrl, verifyTls: config.target.verifyTls },
        }),
      ],
      providers: [{ provide: WORKER_CONFIG, useValue: config }, SyncWorkerService, OrgMirrorWorkerService],
    };
  }
}
