export { startTelemetry, withSpan, type Telemetry, type TelemetryOptions } from './telemetry';
