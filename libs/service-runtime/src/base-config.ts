/** Settings every Ferry service reads; each service's config.ts adds its own. */
export interface BaseConfig {
  databaseUrl: string;
  /** One NATS URL or a comma-separated list (a cluster's nodes). */
  natsUrl: string;
  /** FERRY_STREAM_REPLICAS: copies of the event stream and the KV buckets (3 on a three-node cluster). */
  streamReplicas: number;
  /** JetStream stream that holds the event log. */
  eventStream: string;
  /** Subject prefix of every event. */
  subjectPrefix: string;
  otlpEndpoint: string | undefined;
  logLevel: LogLevel;
}

export const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID' as const;
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

type Env = Record<string, string | undefined>;

/** Collects problems instead of throwing at the first, so a bad deployment shows them all. */
export class ConfigReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  string(name: string, fallback: string): string {
    const value = this.env[name];
    return value === undefined || value === '' ? fallback : value;
  }

  optional(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value === '' ? undefined : value;
  }

  required(name: string, hint: string): string {
    const value = this.optional(name);
    if (value === undefined) this.problems.push(`${name} is required (${hint})`);
    return value ?? '';
  }

  integer(name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
      return fallback;
    }
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.optional(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes'].includes(raw)) return true;
    if (['0', 'false', 'no'].includes(raw)) return false;
    this.problems.push(`${name} must be true or false, not "${raw}"`);
    return fallback;
  }

  url(name: string, fallback: string, protocols: string[]): string {
    const value = this.string(name, fallback);
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) this.problems.push(`${name} must be a ${protocols.join(' or ')} URL`);
    } catch {
      this.problems.push(`${name} must be a URL`);
    }
    return value;
  }

  list(name: string): string[] {
    return (this.optional(name) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }

  /** Throws one ConfigError naming every problem found. */
  done(): void {
    if (this.problems.length) throw new ConfigError(this.problems);
  }
}

export function readBaseConfig(reader: ConfigReader): BaseConfig {
  const logLevel = reader.string('FERRY_LOG_LEVEL', 'log') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) reader.problems.push(`FERRY_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const subjectPrefix = reader.string('FERRY_SUBJECT_PREFIX', 'ferry');
  if (!/^[A-Za-z0-9_-]+$/.test(subjectPrefix)) reader.problems.push('FERRY_SUBJECT_PREFIX may hold only letters, digits, _ and -');
  return {
    databaseUrl: reader.url('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/ferry', ['postgres:', 'postgresql:']),
    natsUrl: reader.string('NATS_URL', 'nats://127.0.0.1:4222'),
    streamReplicas: reader.integer('FERRY_STREAM_REPLICAS', 1, 1, 5),
    eventStream: reader.string('FERRY_EVENT_STREAM', 'FERRY_EVENTS'),
    subjectPrefix,
    otlpEndpoint: reader.optional('OTEL_EXPORTER_OTLP_ENDPOINT'),
    logLevel,
  };
}
