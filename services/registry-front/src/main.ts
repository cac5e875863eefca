import { NestFactory } from '@nestjs/core';
import { bootService } from '@ferry/service-runtime';
import { AppModule } from './app.module';
import { readConfig } from './config';

void bootService('registry-front', () => readConfig(), async (config, logger) => {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger });
  await app.init();
  return app;
});
