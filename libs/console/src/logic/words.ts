/**
 * The API's codes as a person reads them: each status, trigger and outcome has its words, a colour
 * and an icon kind (the components pick PatternFly's icon by kind), so no page shows `NEVER_RUN`
 * or `sync_now`.
 */
export type Tone = 'success' | 'danger' | 'info' | 'warning' | 'neutral' | 'pending';
export interface Words {
  text: string;
  tone: Tone;
}

const MIRROR_STATUS: Record<string, Words> = {
  NEVER_RUN: { text: 'Not synced yet', tone: 'neutral' },
  SYNC_NOW: { text: 'Sync requested', tone: 'pending' },
  SYNCING: { text: 'Syncing', tone: 'info' },
  SUCCESS: { text: 'Synced', tone: 'success' },
  FAIL: { text: 'Failed', tone: 'danger' },
  CANCEL: { text: 'Cancelled', tone: 'warning' },
  SKIP: { text: 'Gone upstream', tone: 'neutral' },
};

/** A mirror's (or discovered repository's) sync status; a disabled mirror says so first. */
export function mirrorStatusWords(status: string, enabled = true): Words {
  if (!enabled) return { text: 'Disabled', tone: 'neutral' };
  return MIRROR_STATUS[status] ?? { text: humanize(status), tone: 'neutral' };
}

const RUN_STATUS: Record<string, Words> = {
  scheduled: { text: 'Waiting to start', tone: 'pending' },
  running: { text: 'Running', tone: 'info' },
  succeeded: { text: 'Succeeded', tone: 'success' },
  failed: { text: 'Failed', tone: 'danger' },
  cancelled: { text: 'Cancelled', tone: 'warning' },
};

export function runStatusWords(status: string): Words {
  return RUN_STATUS[status] ?? { text: humanize(status), tone: 'neutral' };
}

const TRIGGERS: Record<string, string> = { schedule: 'Scheduled', sync_now: 'Sync now', retry: 'Retry', push: 'Upstream push' };

/** What started a run: "Scheduled", "Sync now", "Retry", "Upstream push". */
export function triggerWords(trigger: string): string {
  return TRIGGERS[trigger] ?? humanize(trigger);
}

const TAG_RESULTS: Record<string, Words> = {
  copied: { text: 'Copied', tone: 'success' },
  unchanged: { text: 'Unchanged', tone: 'neutral' },
  failed: { text: 'Failed', tone: 'danger' },
  deleted: { text: 'Deleted', tone: 'warning' },
  rolled_back: { text: 'Rolled back', tone: 'pending' },
};

export function tagResultWords(result: string): Words {
  return TAG_RESULTS[result] ?? { text: humanize(result), tone: 'neutral' };
}

const HOOK_OUTCOMES: Record<string, Words> = {
  run: { text: 'Queued for a run', tone: 'success' },
  discovery: { text: 'Queued for discovery', tone: 'success' },
  ignored: { text: 'Ignored', tone: 'neutral' },
};

export function hookOutcomeWords(outcome: string): Words {
  return HOOK_OUTCOMES[outcome] ?? { text: humanize(outcome), tone: 'neutral' };
}

const REPOSITORY_STATES: Record<string, string> = { NORMAL: 'Normal', READ_ONLY: 'Read only', MIRROR: 'Mirror', ORG_MIRROR: 'Organization mirror' };

export function repositoryStateWords(state: string): string {
  return REPOSITORY_STATES[state] ?? humanize(state);
}

const NOTIFICATION_EVENTS: Record<string, string> = {
  repo_mirror_sync_started: 'Mirror started',
  repo_mirror_sync_success: 'Mirror succeeded',
  repo_mirror_sync_failed: 'Mirror failed',
};

export function notificationEventWords(event: string): string {
  return NOTIFICATION_EVENTS[event] ?? humanize(event);
}

const METHODS: Record<string, string> = { webhook: 'Webhook', slack: 'Slack', email: 'E-mail', quay_notification: 'In-app inbox', msteams: 'Microsoft Teams' };

export function methodWords(method: string): string {
  return METHODS[method] ?? humanize(method);
}

/** What each API token scope lets the token do (Quay's scope names). */
export const SCOPE_WORDS: Record<string, string> = {
  'repo:read': 'Read repositories',
  'repo:write': 'Read and write repositories',
  'repo:admin': 'Administer repositories',
  'repo:create': 'Create repositories',
  'org:admin': 'Administer organizations',
  'user:read': 'Read user information',
  'user:admin': 'Administer the user',
  'super:user': 'Superuser actions',
};

/** A run's heading: when and why it ran, never its id. `when` writes the time. */
export function runHeading(run: { trigger: string; started_at: string | null; scheduled_at: string | null }, when: (iso: string | null) => string): string {
  return `${triggerWords(run.trigger)} run of ${when(run.started_at ?? run.scheduled_at)}`;
}

/** `SOME_CODE` or `some_code` as "Some code". */
export function humanize(code: string): string {
  const words = code.replace(/[_-]+/g, ' ').trim().toLowerCase();
  return words ? words[0]!.toUpperCase() + words.slice(1) : code;
}
