import { NestFactory } from '@nestjs/core';
import { bootService, nestLogLevels } from '@ferry/service-runtime';
import { AppModule } from './app.module';
import { readConfig } from './config';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { useJsonBodies } from './http/json-body';

void bootService('mirror-config', () => readConfig(), async (config) => {
  const app = await NestFactory.create(AppModule.forRoot(config), { bodyParser: false, logger: nestLogLevels(config.logLevel) });
  useJsonBodies(app);
  app.useGlobalFilters(new ProblemDetailsFilter());
  await app.listen(config.apiPort, config.apiHost);
  return app;
});
