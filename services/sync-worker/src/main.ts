import { NestFactory } from '@nestjs/core';
import { bootService, nestLogLevels } from '@ferry/service-runtime';
import { AppModule } from './app.module';
import { readConfig } from './config';

void bootService('sync-worker', () => readConfig(), async (config) => {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: nestLogLevels(config.logLevel) });
  await app.init();
  return app;
});
