export const WORKER_CONFIG = Symbol('SyncWorkerConfig');
