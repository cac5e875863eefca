import { NotificationEvent } from '@ferry/contracts';
import type { NotifiableEvent } from './notification-payload';

/** What `sampleNotifiableEvent` needs: ids and time are handed in so it stays pure. */
export interface SampleEventInput {
  event: NotificationEvent;
  mirrorId: string;
  /** The sample's event id (and so its delivery id). */
  eventId: string;
  now: Date;
}

/**
 * A made-up mirror event for "test notification": the shape a real run produces, marked as a
 * sample in its run id (`test-...`) and upstream, so receivers can tell it from a real run.
 */
export function sampleNotifiableEvent(input: SampleEventInput): NotifiableEvent {
  const startedAt = new Date(input.now.getTime() - 42_000).toISOString();
  const runId = `test-${input.eventId}`;
  const summary = {
    startedAt,
    tagsMatched: ['latest', 'v1.0'],
    tagsCopied: 1,
    tagsUnchanged: 1,
    tagsDeleted: 0,
    tagsFailed: input.event === NotificationEvent.Failed ? 1 : 0,
    bytesCopied: 1_048_576,
  };
  const base = { id: input.eventId, occurredAt: input.now.toISOString() };
  switch (input.event) {
    case NotificationEvent.Started:
      return {
        ...base,
        type: 'MirrorStarted',
        data: { mirrorId: input.mirrorId, runId, trigger: 'sync_now', externalReference: 'sample.invalid/test-notification', fencingToken: 0 },
      } as NotifiableEvent;
    case NotificationEvent.Succeeded:
      return { ...base, type: 'MirrorSucceeded', data: { mirrorId: input.mirrorId, runId, summary, nextSyncAt: input.now.toISOString() } };
    case NotificationEvent.Failed:
      return {
        ...base,
        type: 'MirrorFailed',
        data: {
          mirrorId: input.mirrorId,
          runId,
          summary,
          error: { code: 'TEST_NOTIFICATION', message: 'this is a test notification, not a real failure' },
          retryable: false,
          retriesRemaining: 0,
          consecutiveFailures: 1,
          nextSyncAt: input.now.toISOString(),
        },
      };
    default: {
      const never: never = input.event;
      throw new TypeError(`unknown notification event ${String(never)}`);
    }
  }
}
