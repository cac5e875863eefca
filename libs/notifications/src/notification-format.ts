import type { NotificationPayload } from './notification-payload';

// Human-readable pieces shared by the Slack, email and Teams renderings.

/** `1536` → `1.5 KiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** `3725.4` → `1h 2m 5s`. */
export function formatDuration(seconds: number): string {
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}h ${m}m ${s}s` : m > 0 ? `${m}m ${s}s` : `${s}s`;
}

const TITLE = {
  running: 'Mirror sync started',
  succeeded: 'Mirror sync succeeded',
  failed: 'Mirror sync failed',
} as const;

/** The one-line title of a payload, shared by Slack and email. */
export function notificationTitle(payload: NotificationPayload): string {
  return `${TITLE[payload.outcome]}: ${payload.repository}`;
}

/** The payload as labelled lines (repository, outcome, run, counts, size, duration, error), shared by email and Teams. */
export function payloadFacts(payload: NotificationPayload): Array<[string, string]> {
  const out: Array<[string, string]> = [
    ['Repository', payload.repository],
    ['Outcome', payload.outcome],
    ['Run', payload.run_id],
  ];
  if (payload.tags_copied !== null) {
    out.push(
      ['Tags copied', String(payload.tags_copied)],
      ['Tags unchanged', String(payload.tags_unchanged)],
      ['Tags deleted', String(payload.tags_deleted)],
      ['Tags failed', String(payload.tags_failed)],
    );
  }
  if (payload.bytes !== null) out.push(['Transferred', formatBytes(payload.bytes)]);
  if (payload.duration_seconds !== null) out.push(['Duration', formatDuration(payload.duration_seconds)]);
  if (payload.error) out.push(['Error', `${payload.error.code}: ${payload.error.message}`]);
  return out;
}
