import 'reflect-metadata';
import { Logger, type INestApplicationContext, type LogLevel as NestLogLevel } from '@nestjs/common';
import { startTelemetry } from '@ferry/telemetry';
import { ConfigError, LOG_LEVELS, type BaseConfig } from './base-config';

/** Nest log levels at and above the configured one. */
export function nestLogLevels(level: BaseConfig['logLevel']): NestLogLevel[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1) as NestLogLevel[];
}

/** The signals that stop a service (SIGHUP too: the terminal it ran in went away). */
export const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/**
 * How long a stopping service may take to hand back its work and close its connections before
 * it exits anyway (`npm start` waits a little longer before it kills what is left).
 */
export const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Boots a service: reads its config (failing with every problem listed), starts telemetry before
 * anything else so that all spans are recorded, then creates the Nest application. On SIGTERM,
 * SIGINT or SIGHUP it closes the application (each part stops taking work and finishes or hands
 * back what it holds; a second signal changes nothing) and exits, with status 1 when that took
 * longer than SHUTDOWN_GRACE_MS.
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
  // Listening before the application exists: a signal during startup stops it once it is up.
  const app = create(config);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    Logger.log(`${signal}: shutting down`, serviceName);
    setTimeout(() => {
      Logger.error(`still not stopped after ${SHUTDOWN_GRACE_MS / 1000} s: exiting`, serviceName);
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    const started = await app.catch(() => null);
    await started?.close().catch((error: unknown) => Logger.error(`shutting down: ${(error as Error).stack ?? error}`, serviceName));
    await telemetry.shutdown().catch(() => undefined);
    process.exit(0);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, () => void stop(signal));
  await app;
  Logger.log(`ferry ${serviceName} ready`, serviceName);
}
