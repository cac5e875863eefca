import 'reflect-metadata';
import { Logger, type INestApplicationContext, type LogLevel as NestLogLevel } from '@nestjs/common';
import { startTelemetry } from '@ferry/telemetry';
import { ConfigError, LOG_LEVELS, type BaseConfig } from './base-config';

/** Nest log levels at and above the configured one. */
export function nestLogLevels(level: BaseConfig['logLevel']): NestLogLevel[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1) as NestLogLevel[];
}

/**
 * Boots a service: reads its config (failing with every problem listed), starts telemetry before
 * anything else so that all spans are recorded, then creates the Nest application and shuts it
 * down cleanly on SIGTERM/SIGINT.
 */
export async function bootService<C extends BaseConfig>(
  serviceName: string,
  readConfig: () => C,
  create: (config: C) => Promise<INestApplicationContext>,
): Promise<void> {
  let config: C;
  try {
    config = readConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`${serviceName}: ${error.message}`);
      process.exit(78);
    }
    throw error;
  }
  const telemetry = startTelemetry({ serviceName: `ferry-${serviceName}`, otlpEndpoint: config.otlpEndpoint });
  const app = await create(config);
  app.enableShutdownHooks();
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    Logger.log(`${signal}: shutting down`, serviceName);
    await app.close();
    await telemetry.shutdown().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  Logger.log(`ferry ${serviceName} ready`, serviceName);
}
