import {
  mirrorNamespace,
  NotificationEvent,
  RunOutcome,
  type MirrorFailed,
  type MirrorStarted,
  type MirrorSucceeded,
} from '@ferry/contracts';

type Notifiable<E extends MirrorStarted | MirrorSucceeded | MirrorFailed> = E extends unknown
  ? Pick<E, 'id' | 'type' | 'occurredAt' | 'data'>
  : never;

/** The mirror events that notify, with the parts of their metadata the payload needs. */
export type NotifiableEvent = Notifiable<MirrorStarted | MirrorSucceeded | MirrorFailed>;

/** `outcome` of a payload: `running` for the started event, else the run's terminal outcome. */
export const PayloadOutcome = {
  Running: 'running',
  Succeeded: RunOutcome.Succeeded,
  Failed: RunOutcome.Failed,
} as const;
export type PayloadOutcome = (typeof PayloadOutcome)[keyof typeof PayloadOutcome];

/**
 * The JSON body of a webhook (documented in the lib's README). Quay's six fields come first and
 * keep Quay's meaning, so receivers written for Quay work unchanged.
 */
export interface NotificationPayload {
  /** `namespace/name` of the target repository. */
  repository: string;
  namespace: string;
  name: string;
  /** `host[:port]/namespace/name`: what `docker pull` takes. */
  docker_url: string;
  /** The repository's page in the Ferry UI. */
  homepage: string;
  /** One human-readable line. */
  message: string;
  event: NotificationEvent;
  event_id: string;
  run_id: string;
  /** The run's page: `<homepage>/mirror/runs/<run_id>`. */
  run_url: string;
  outcome: PayloadOutcome;
  /** ISO-8601 instant of the event. */
  occurred_at: string;
  /** Upstream tags that matched the patterns; empty on `started` (not known yet). */
  tags: string[];
  /** Counts from the run summary; null on `started`. */
  tags_copied: number | null;
  tags_unchanged: number | null;
  tags_deleted: number | null;
  tags_failed: number | null;
  bytes: number | null;
  /** Seconds from the run's start to this event; null on `started` or when the start is unknown. */
  duration_seconds: number | null;
  /** Present on `failed` only. */
  error?: { code: string; message: string };
}

/** What `buildNotificationPayload` needs besides the event. */
export interface NotificationPayloadInput {
  event: NotifiableEvent;
  /** `host[:port]` of the target registry, for `docker_url`. */
  registryHost: string;
  /** Base URL of the Ferry UI, e.g. `https://ferry.example.com` (a trailing slash is ignored). */
  homepageBaseUrl: string;
  /** ISO-8601 instant the run started (the `MirrorStarted` event's `occurredAt`), for the duration. */
  runStartedAt?: string | null;
}

/** Maps a mirror event type to Quay's notification event name. */
export function notificationEventOf(type: NotifiableEvent['type']): NotificationEvent {
  switch (type) {
    case 'MirrorStarted':
      return NotificationEvent.Started;
    case 'MirrorSucceeded':
      return NotificationEvent.Succeeded;
    case 'MirrorFailed':
      return NotificationEvent.Failed;
    default: {
      const never: never = type;
      throw new Error(`not a notifiable event: ${String(never)}`);
    }
  }
}

/** The repository page and the run page, as the payload, Slack and email link them. */
export function repositoryUrls(
  homepageBaseUrl: string,
  mirrorId: string,
  runId: string,
): { homepage: string; runUrl: string } {
  const base = homepageBaseUrl.replace(/\/+$/, '');
  const path = mirrorId.split('/').map(encodeURIComponent).join('/');
  const homepage = `${base}/repository/${path}`;
  return { homepage, runUrl: `${homepage}/mirror/runs/${encodeURIComponent(runId)}` };
}

function splitMirrorId(mirrorId: string): { namespace: string; name: string } {
  const namespace = mirrorNamespace(mirrorId);
  const name = mirrorId.slice(namespace.length + 1);
  if (!mirrorId.includes('/') || !namespace || !name) {
    throw new TypeError(`mirror id must be "namespace/repository", got ${JSON.stringify(mirrorId)}`);
  }
  return { namespace, name };
}

function durationSeconds(from: string | null | undefined, to: string): number | null {
  if (!from) return null;
  const ms = Date.parse(to) - Date.parse(from);
  if (!Number.isFinite(ms) || ms < 0) return null;
  return Math.round(ms) / 1000;
}

/**
 * Builds the notification payload of a mirror event: pure, so the notifier, the "test
 * notification" endpoint and the tests all get the same body.
 */
export function buildNotificationPayload(input: NotificationPayloadInput): NotificationPayload {
  const { event } = input;
  const mirrorId = event.data.mirrorId;
  const { namespace, name } = splitMirrorId(mirrorId);
  const { homepage, runUrl } = repositoryUrls(input.homepageBaseUrl, mirrorId, event.data.runId);
  const common = {
    repository: mirrorId,
    namespace,
    name,
    docker_url: `${input.registryHost.replace(/\/+$/, '')}/${mirrorId}`,
    homepage,
    event: notificationEventOf(event.type),
    event_id: event.id,
    run_id: event.data.runId,
    run_url: runUrl,
    occurred_at: event.occurredAt,
  };

  if (event.type === 'MirrorStarted') {
    return {
      ...common,
      message: `Mirror sync started for ${mirrorId} from ${event.data.externalReference}`,
      outcome: PayloadOutcome.Running,
      tags: [],
      tags_copied: null,
      tags_unchanged: null,
      tags_deleted: null,
      tags_failed: null,
      bytes: null,
      duration_seconds: null,
    };
  }

  const s = event.data.summary;
  const counts = {
    tags: [...s.tagsMatched],
    tags_copied: s.tagsCopied,
    tags_unchanged: s.tagsUnchanged,
    tags_deleted: s.tagsDeleted,
    tags_failed: s.tagsFailed,
    bytes: s.bytesCopied,
    duration_seconds: durationSeconds(input.runStartedAt, event.occurredAt),
  };
  const tally = `${s.tagsCopied} copied, ${s.tagsUnchanged} unchanged, ${s.tagsDeleted} deleted, ${s.tagsFailed} failed`;

  if (event.type === 'MirrorSucceeded') {
    return {
      ...common,
      ...counts,
      message: `Mirror sync succeeded for ${mirrorId}: ${tally}`,
      outcome: PayloadOutcome.Succeeded,
    };
  }
  return {
    ...common,
    ...counts,
    message: `Mirror sync failed for ${mirrorId}: ${event.data.error.code}: ${event.data.error.message} (${tally})`,
    outcome: PayloadOutcome.Failed,
    error: { code: event.data.error.code, message: event.data.error.message },
  };
}
