import { Module, type DynamicModule } from '@nestjs/common';
import { createSecretBox } from '@ferry/secrets';
import { InfrastructureModule } from '@ferry/service-runtime';
import type { MirrorConfigServiceConfig } from './config';
import { ApiProjections } from './api-projections';
import { MirrorGrpcController } from './grpc/mirror-grpc.controller';
import { MirrorController } from './mirror/mirror.controller';
import { MirrorService } from './mirror/mirror.service';
import { NamespaceNotificationRuleController, NotificationRuleController } from './notifications/notification-rule.controller';
import { NotificationRuleService } from './notifications/notification-rule.service';
import { UserNotificationController } from './notifications/user-notification.controller';
import { RobotController } from './robots/robot.controller';
import { RunController } from './runs/run.controller';
import { RunQueries } from './runs/run-queries.service';
import { RobotService } from './robots/robot.service';
import { API_PROJECTIONS, SECRET_BOX, SERVICE_CONFIG } from './tokens';

/** mirror-config's composition root. */
@Module({})
export class AppModule {
  static forRoot(config: MirrorConfigServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.forRoot(config)],
      controllers: [MirrorController, RunController, RobotController, NotificationRuleController, NamespaceNotificationRuleController, UserNotificationController, MirrorGrpcController],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: SECRET_BOX, useValue: createSecretBox(config.encryptionKey) },
        ApiProjections,
        { provide: API_PROJECTIONS, useFactory: (p: ApiProjections) => p.runner, inject: [ApiProjections] },
        MirrorService,
        RobotService,
        RunQueries,
        NotificationRuleService,
      ],
    };
  }
}
