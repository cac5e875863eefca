export { ConfigReader, ConfigError, readBaseConfig, LOG_LEVELS, type BaseConfig, type LogLevel } from './base-config';
export { InfrastructureModule, EVENT_STORE, DATA_SOURCE, BASE_CONFIG } from './infrastructure.module';
export { BackgroundTask } from './background-task';
export { bootService } from './boot';
export { createServiceLogger, ServiceLogger, withLogFields, type LogFields } from './service-logger';
export { readEncryptionKey, readNotificationSenderSettings, type NotificationSenderSettings } from './shared-settings';
