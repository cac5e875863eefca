import 'reflect-metadata';
import { Logger, type INestApplicationContext } from '@nestjs/common';
import { startTelemetry } from '@ferry/telemetry';
import { ConfigError, type BaseConfig } from './base-config';
import { errorText } from './error-text';
import { createServiceLogger, ServiceLogger } from './service-logger';

/** The signals that stop a service (SIGHUP too: the terminal it ran in went away). */
export const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/**
 * How long a stopping service may take to hand back its work and close its connections before
 * it exits anyway (`npm start` waits a little longer before it kills what is left).
 */
export const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Boots a service: reads its config (failing with every problem listed), starts telemetry before
 * anything else so that all spans are recorded, makes the service's JSON logger the one every Nest
 * `Logger` writes through, then creates the Nest application (hand it `logger`). On SIGTERM,
 * SIGINT or SIGHUP it closes the application (each part stops taking work and finishes or hands
 * back what it holds; a second signal changes nothing) and exits, with status 1 when that took
 * longer than SHUTDOWN_GRACE_MS.
 */
export async function bootService<C extends BaseConfig>(
  serviceName: string,
  readConfig: () => C,
  create: (config: C, logger: ServiceLogger) => Promise<INestApplicationContext>,
): Promise<void> {
  let config: C;
  try {
    config = readConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      createServiceLogger(serviceName, 'error').fatal({ problems: error.problems }, `${serviceName}: ${error.message}`);
      process.exit(78);
    }
    throw error;
  }
  const telemetry = startTelemetry({ serviceName: `ferry-${serviceName}`, otlpEndpoint: config.otlpEndpoint });
  const logger = new ServiceLogger(createServiceLogger(serviceName, config.logLevel));
  Logger.overrideLogger(logger);
  // Listening before the application exists: a signal during startup stops it once it is up.
  const app = create(config, logger);
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
    await started?.close().catch((error: unknown) => Logger.error({ msg: `shutting down: ${errorText(error)}`, err: error }, serviceName));
    await telemetry.shutdown().catch(() => undefined);
    process.exit(0);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, () => void stop(signal));
  await app;
  Logger.log(`ferry ${serviceName} ready`, serviceName);
}
