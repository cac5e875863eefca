export { ConfigReader, ConfigError, readBaseConfig, LOG_LEVELS, type BaseConfig, type LogLevel } from './base-config';
export { InfrastructureModule, EVENT_STORE, DATA_SOURCE, BASE_CONFIG, READINESS } from './infrastructure.module';
export { Readiness, type ReadinessReport, type CheckResult, type ProjectionCheck, type TargetRegistryProbe } from './readiness';
export { readMetricsSettings, startOpsServer, DEFAULT_METRICS_PORTS, type MetricsSettings, type OpsServer, type ServiceName } from './ops-server';
export { BackgroundTask } from './background-task';
export { bootService } from './boot';
export { createServiceLogger, ServiceLogger, withLogFields, type LogFields } from './service-logger';
export { readEncryptionKey, readNotificationSenderSettings, readTargetRegistrySettings, type NotificationSenderSettings, type TargetRegistrySettings } from './shared-settings';
export { inLanes } from './lanes';
