export const SCHEDULER_CONFIG = Symbol('SchedulerConfig');
