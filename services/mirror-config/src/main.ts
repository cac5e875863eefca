import { NestFactory } from '@nestjs/core';
import { bootService } from '@ferry/service-runtime';
import { AppModule, CONTROLLERS } from './app.module';
import { assertEveryRouteDeclaresPermission } from './auth/route-table';
import { readConfig } from './config';
import { grpcServerOptions } from './grpc/grpc-options';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { useJsonBodies } from './http/json-body';

void bootService('mirror-config', () => readConfig(), async (config, logger) => {
  // A route that does not say who may call it must not start.
  assertEveryRouteDeclaresPermission(CONTROLLERS);
  const app = await NestFactory.create(AppModule.forRoot(config), { bodyParser: false, logger });
  useJsonBodies(app);
  app.useGlobalFilters(new ProblemDetailsFilter());
  // A hybrid app: the gRPC API shares the HTTP API's services and its configuration, so the one
  // permission guard (APP_GUARD) guards it too; its controller's own filter maps errors to gRPC statuses.
  app.connectMicroservice(grpcServerOptions(config), { inheritAppConfig: true });
  await app.startAllMicroservices().catch((error: unknown) => {
    throw new Error(`the gRPC API cannot listen on ${config.apiHost}:${config.grpcPort} (FERRY_GRPC_PORT): ${(error as Error).message}`, { cause: error });
  });
  await app.listen(config.apiPort, config.apiHost);
  return app;
});
