import { Content, Progress, ProgressMeasureLocation } from '@patternfly/react-core';
import { bytes, seconds } from '../logic/format';
import { percentDone } from '../logic/progress';
import type { Progress as RunProgressView } from '../types';

/** A run's progress bar, bytes, rate and estimate. */
export function RunProgress({ progress, finished = false, title = 'Progress' }: { progress: RunProgressView; finished?: boolean; title?: string }) {
  const value = percentDone(progress, finished);
  return (
    <div>
      <Progress value={value} title={title} measureLocation={ProgressMeasureLocation.outside} aria-label={`${title}: ${value} %`} variant={finished ? 'success' : undefined} />
      <Content component="p">
        {progress.tags_done} of {progress.tags_total} tags · {bytes(progress.bytes_copied)} of {bytes(progress.bytes_total)}
        {finished ? '' : ` · ${bytes(progress.bytes_per_second)}/s`}
        {progress.eta_seconds !== null && !finished ? ` · about ${seconds(progress.eta_seconds)} left` : ''}
      </Content>
    </div>
  );
}
