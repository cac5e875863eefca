import { Content, Progress, ProgressMeasureLocation } from '@patternfly/react-core';
import { bytes, seconds } from '../format';
import type { Progress as RunProgressView } from '../types';

/** How far a run has come, 0 to 100: by bytes once the run knows what it must copy, else by tags. */
export function percentDone(p: RunProgressView, finished: boolean): number {
  if (finished) return 100;
  const byBytes = p.bytes_total > 0 ? p.bytes_copied / p.bytes_total : null;
  const byTags = p.tags_total > 0 ? p.tags_done / p.tags_total : 0;
  // Bytes grow as manifests are read: the tags count keeps the bar from reaching the end early.
  const share = byBytes === null ? byTags : Math.min(byBytes, p.tags_done === p.tags_total ? 1 : Math.max(byTags, 0.99 * byBytes));
  return Math.max(0, Math.min(100, Math.round(share * 100)));
}

/** A run's progress bar, bytes, rate and estimate. */
export function RunProgress({ progress, finished = false, title = 'Progress' }: { progress: RunProgressView; finished?: boolean; title?: string }) {
  const value = percentDone(progress, finished);
  return (
    <div>
      <Progress value={value} title={title} measureLocation={ProgressMeasureLocation.outside} aria-label={`${title}: ${value} %`} variant={finished ? 'success' : undefined} />
      <Content component="p">
        {progress.tags_done} of {progress.tags_total} tags · {bytes(progress.bytes_copied)} of {bytes(progress.bytes_total)} · {bytes(progress.bytes_per_second)}/s
        {progress.eta_seconds !== null && !finished ? ` · about ${seconds(progress.eta_seconds)} left` : ''}
      </Content>
    </div>
  );
}
