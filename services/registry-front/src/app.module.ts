import { Module, type DynamicModule } from '@nestjs/common';
import { InfrastructureModule } from '@ferry/service-runtime';
import type { RegistryFrontConfig } from './config';
import { FrontServer } from './front/front-server';
import { PROXY_CACHE_METRICS } from '@ferry/metrics';
import { FRONT_CONFIG } from './tokens';

/**
 * The registry front's composition root: the shared infrastructure (the event log, the metrics
 * and health port; no database: its state is the log) and one node:http server.
 */
@Module({})
export class AppModule {
  static forRoot(config: RegistryFrontConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.forRoot(config, { database: false, metrics: PROXY_CACHE_METRICS })],
      providers: [{ provide: FRONT_CONFIG, useValue: config }, FrontServer],
    };
  }
}
