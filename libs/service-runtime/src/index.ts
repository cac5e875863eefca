export { ConfigReader, ConfigError, readBaseConfig, LOG_LEVELS, type BaseConfig, type LogLevel } from './base-config';
export { InfrastructureModule, EVENT_STORE, DATA_SOURCE, BASE_CONFIG } from './infrastructure.module';
export { BackgroundTask } from './background-task';
export { bootService, nestLogLevels } from './boot';
export { readEncryptionKey, readNotificationSenderSettings, type NotificationSenderSettings } from './shared-settings';
