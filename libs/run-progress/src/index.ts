export { ProgressMeter, estimateEta, type ProgressCounters, type ProgressEstimate } from './progress-meter';
export { ProgressBoard, ProgressReporter, runProgressBucket, PROGRESS_TTL_MS, type RunProgress } from './progress-board';
