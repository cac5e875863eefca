import { Module, type DynamicModule } from '@nestjs/common';
import { SCHEDULING_METRICS } from '@ferry/metrics';
import { InfrastructureModule } from '@ferry/service-runtime';
import type { SchedulerConfig } from './config';
import { SchedulerService } from './scheduling/scheduler.service';
import { SCHEDULER_CONFIG } from './tokens';

/** The scheduler's composition root. */
@Module({})
export class AppModule {
  static forRoot(config: SchedulerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.forRoot(config, { metrics: SCHEDULING_METRICS })],
      providers: [{ provide: SCHEDULER_CONFIG, useValue: config }, SchedulerService],
    };
  }
}
