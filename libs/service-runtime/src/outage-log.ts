import { unavailableDependency, type Dependency } from './dependency-outage';
import { errorText } from './error-text';

/** One structured log line: its message and its fields. */
export type LogEntry = { msg: string } & Record<string, unknown>;

/** Where an {@link OutageLog} writes: a Nest `Logger` (whose `log` is info) fits. */
export interface LogSink {
  error(entry: LogEntry): void;
  warn(entry: LogEntry): void;
  log(entry: LogEntry): void;
  debug(entry: LogEntry): void;
}

/**
 * What a retrying loop (a consumer, a tick, a projection) logs about its attempts. An attempt that
 * failed because a dependency is away starts an outage, told once at warn without a stack (the
 * attempts that fail during it only at debug); the next attempt that succeeds ends it, told once
 * at info with how long the loop waited (from its first failed attempt). Any other failure is a fault of Ferry's: error, with its stack,
 * each time.
 */
export class OutageLog {
  /** When each outage in progress started (ms). */
  private readonly outages = new Map<Dependency, number>();

  /**
   * @param activity what the loop does, the subject of its lines ("the run consumer").
   * @param now the clock, for tests.
   */
  constructor(
    private readonly activity: string,
    private readonly sink: LogSink,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * An attempt failed. `fault` is the line for an error that is not an outage (default:
   * "<activity> failed"); its reason follows it.
   */
  failed(error: unknown, fault = `${this.activity} failed`): void {
    const reason = errorText(error);
    const dependency = unavailableDependency(error);
    if (dependency === null) {
      this.sink.error({ msg: `${fault}: ${reason}`, err: error });
    } else if (this.outages.has(dependency)) {
      this.sink.debug({ msg: `${this.activity} is still waiting for ${dependency}: ${reason}`, dependency });
    } else {
      this.outages.set(dependency, this.now());
      this.sink.warn({ msg: `${this.activity} is waiting for ${dependency} (${reason}); it retries until ${dependency} is back`, dependency, reason });
    }
  }

  /**
   * An attempt succeeded: ends the outage of `dependency` (of every dependency when none is
   * named, for an attempt that needed them all).
   */
  succeeded(dependency?: Dependency): void {
    for (const [away, since] of this.outages) {
      if (dependency !== undefined && away !== dependency) continue;
      this.outages.delete(away);
      const seconds = Math.round((this.now() - since) / 1000);
      this.sink.log({ msg: `${this.activity} resumed after waiting ${seconds} s for ${away}`, dependency: away, outage_seconds: seconds });
    }
  }
}
