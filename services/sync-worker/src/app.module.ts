import { Module, type DynamicModule } from '@nestjs/common';
import { InfrastructureModule } from '@ferry/service-runtime';
import type { SyncWorkerConfig } from './config';
import { SyncWorkerService } from './run/sync-worker.service';
import { WORKER_CONFIG } from './tokens';

/** The sync-worker's composition root. */
@Module({})
export class AppModule {
  static forRoot(config: SyncWorkerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.forRoot(config, { database: false })],
      providers: [{ provide: WORKER_CONFIG, useValue: config }, SyncWorkerService],
    };
  }
}
