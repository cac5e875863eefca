import type { Mirror } from '../types';
import { trustBodyOf, trustDraftOf, type TrustDraft } from './trust-policy';

/**
 * The Mirroring form's fields as typed and the Quay body they become: pure, so the rules that keep
 * a schedule and a password safe (an edit sends only what changed; a password only when typed or
 * cleared) are tested on their own.
 */
export const UNITS = { seconds: 1, minutes: 60, hours: 3600, days: 86400 } as const;
export type Unit = keyof typeof UNITS;

/** The form's fields as typed, before they become a Quay mirror body. */
export interface Draft {
  externalReference: string;
  tags: string;
  startDate: string;
  interval: string;
  unit: Unit;
  robot: string;
  username: string;
  password: string;
  clearCredentials: boolean;
  verifyTls: boolean;
  unsignedImages: boolean;
  httpProxy: string;
  httpsProxy: string;
  noProxy: string;
  deleteTags: boolean;
  maxDelete: string;
  enabled: boolean;
  /** Ferry's signature policy and trust policy (the form's Signatures group). */
  trust: TrustDraft;
}

/** An ISO time as a datetime-local input's value, in the browser's time zone. */
export function localInput(iso: string | null): string {
  const date = iso ? new Date(iso) : new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function intervalParts(seconds: number): { interval: string; unit: Unit } {
  for (const unit of ['days', 'hours', 'minutes'] as const) if (seconds % UNITS[unit] === 0) return { interval: String(seconds / UNITS[unit]), unit };
  return { interval: String(seconds), unit: 'seconds' };
}

export function draftOf(mirror: Mirror | null, namespace: string): Draft {
  return {
    externalReference: mirror?.external_reference ?? '',
    tags: mirror?.root_rule.rule_value.join(', ') ?? '',
    startDate: localInput(mirror?.sync_start_date ?? null),
    ...intervalParts(mirror?.sync_interval ?? 86400),
    robot: mirror?.robot_username ?? (namespace ? '' : ''),
    username: mirror?.external_registry_username ?? '',
    password: '',
    clearCredentials: false,
    verifyTls: mirror?.external_registry_config.verify_tls ?? true,
    unsignedImages: mirror?.external_registry_config.unsigned_images ?? false,
    httpProxy: mirror?.external_registry_config.proxy.http_proxy ?? '',
    httpsProxy: mirror?.external_registry_config.proxy.https_proxy ?? '',
    noProxy: mirror?.external_registry_config.proxy.no_proxy ?? '',
    deleteTags: mirror?.tag_deletion.enabled ?? true,
    maxDelete: mirror?.tag_deletion.max_delete === null || mirror?.tag_deletion.max_delete === undefined ? '' : String(mirror.tag_deletion.max_delete),
    enabled: mirror?.is_enabled ?? true,
    trust: trustDraftOf(mirror),
  };
}

/** A number as typed, or the text itself so that the API names what is wrong with it. */
export function numberOrText(value: string): number | string {
  return /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
}

export function localToIso(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : `${date.toISOString().slice(0, 19)}Z`;
}

/** The body the API reads (Quay's fields): a create sends all of them, an edit only what changed. */
export function bodyOf(draft: Draft, original: Mirror | null): Record<string, unknown> {
  const interval = numberOrText(draft.interval);
  const body: Record<string, unknown> = {
    is_enabled: draft.enabled,
    external_reference: draft.externalReference.trim(),
    root_rule: { rule_kind: 'tag_glob_csv', rule_value: draft.tags.split(',').map((t) => t.trim()).filter(Boolean) },
    sync_start_date: localToIso(draft.startDate),
    sync_interval: typeof interval === 'number' ? interval * UNITS[draft.unit] : interval,
    robot_username: draft.robot.trim(),
    external_registry_username: draft.clearCredentials || draft.username.trim() === '' ? null : draft.username.trim(),
    external_registry_config: {
      verify_tls: draft.verifyTls,
      unsigned_images: draft.unsignedImages,
      proxy: { http_proxy: draft.httpProxy.trim() || null, https_proxy: draft.httpsProxy.trim() || null, no_proxy: draft.noProxy.trim() || null },
    },
    tag_deletion: { enabled: draft.deleteTags, max_delete: draft.maxDelete.trim() === '' ? null : numberOrText(draft.maxDelete.trim()) },
    ...trustBodyOf(draft.trust),
  };
  // Write-only: sent when typed (or cleared), never read back.
  if (draft.clearCredentials) body.external_registry_password = null;
  else if (draft.password !== '') body.external_registry_password = draft.password;
  if (!original) return body;
  const before = bodyOf(draftOf(original, ''), null);
  return Object.fromEntries(Object.entries(body).filter(([key, value]) => key === 'external_registry_password' || JSON.stringify(value) !== JSON.stringify(before[key])));
}


/**
 * What a mirror's tag rule holds beyond Quay's globs (which the Tags field edits), in words; null
 * when the globs are the whole rule.
 */
export function ruleBeyondGlobs(mirror: Mirror | null): string | null {
  const rule = mirror?.tag_rule;
  if (!rule) return null;
  const parts = [
    ...rule.include.filter((s) => s.kind !== 'glob').map((s) => `a ${s.kind} selector`),
    ...(rule.exclude.length ? [`${rule.exclude.length} exclude${rule.exclude.length === 1 ? '' : 's'}`] : []),
    ...(rule.keep_newest ? [`keep the newest ${rule.keep_newest.count} by ${rule.keep_newest.by}`] : []),
  ];
  return parts.length ? parts.join(', ') : null;
}
