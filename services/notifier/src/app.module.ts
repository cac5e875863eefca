import { Module, type DynamicModule } from '@nestjs/common';
import { notificationMetrics } from '@ferry/metrics';
import { DELIVERY_METHODS } from '@ferry/notifications';
import { InfrastructureModule } from '@ferry/service-runtime';
import type { NotifierConfig } from './config';
import { NotifierService } from './delivery/notifier.service';
import { NOTIFIER_CONFIG } from './tokens';

/** The notifier's composition root. */
@Module({})
export class AppModule {
  static forRoot(config: NotifierConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.forRoot(config, { metrics: notificationMetrics(DELIVERY_METHODS) })],
      providers: [{ provide: NOTIFIER_CONFIG, useValue: config }, NotifierService],
    };
  }
}
