import type { OrgMirror } from '../types';
import { intervalParts, localInput, localToIso, numberOrText, UNITS, type Unit } from './mirror-body';
import { trustBodyOf, trustDraftOf, type TrustDraft } from './trust-policy';

/**
 * The Organization mirroring form as typed and the Quay body it becomes: a create sends every
 * field, an edit (PUT, where absent fields keep their values) only what changed, and the password
 * only when typed. Pure, so tested on its own.
 */
export interface OrgMirrorDraft {
  type: string;
  url: string;
  upstreamNamespace: string;
  filters: string;
  robot: string;
  visibility: string;
  interval: string;
  unit: Unit;
  start: string;
  username: string;
  password: string;
  verifyTls: boolean;
  enabled: boolean;
  /** The signature and trust policy every discovered repository's mirror follows. */
  trust: TrustDraft;
}

export function orgMirrorDraftOf(mirror: OrgMirror | null): OrgMirrorDraft {
  return {
    type: mirror?.external_registry_type ?? 'distribution',
    url: mirror?.external_registry_url ?? '',
    upstreamNamespace: mirror?.external_namespace ?? '',
    filters: mirror?.repository_filters.join(', ') ?? '',
    robot: mirror?.robot_username ?? '',
    visibility: mirror?.visibility ?? 'private',
    ...intervalParts(mirror?.sync_interval ?? 86_400),
    start: localInput(mirror?.sync_start_date ?? null),
    username: mirror?.external_registry_username ?? '',
    password: '',
    verifyTls: mirror?.external_registry_config.verify_tls ?? true,
    enabled: mirror?.is_enabled ?? true,
    trust: trustDraftOf(mirror),
  };
}

export function orgMirrorBodyOf(draft: OrgMirrorDraft, original: OrgMirror | null): Record<string, unknown> {
  const every = numberOrText(draft.interval);
  const body: Record<string, unknown> = {
    is_enabled: draft.enabled,
    external_registry_type: draft.type,
    external_registry_url: draft.url.trim(),
    external_namespace: draft.upstreamNamespace.trim(),
    repository_filters: draft.filters.split(',').map((f) => f.trim()).filter(Boolean),
    robot_username: draft.robot,
    visibility: draft.visibility,
    sync_interval: typeof every === 'number' ? every * UNITS[draft.unit] : every,
    sync_start_date: localToIso(draft.start),
    external_registry_config: { verify_tls: draft.verifyTls },
    external_registry_username: draft.username.trim() === '' ? null : draft.username.trim(),
    ...trustBodyOf(draft.trust),
  };
  // Write-only: sent when typed, never read back; removing the user name removes the password too.
  if (draft.password !== '') body.external_registry_password = draft.password;
  else if (original?.has_external_registry_password && draft.username.trim() === '') body.external_registry_password = null;
  if (!original) {
    if (body.external_registry_username === null) delete body.external_registry_username;
    return body;
  }
  const before = orgMirrorBodyOf(orgMirrorDraftOf(original), null);
  return Object.fromEntries(
    Object.entries(body).filter(([key, value]) => {
      if (key === 'external_registry_password') return true;
      if (key === 'external_registry_config') return value && (value as { verify_tls: boolean }).verify_tls !== original.external_registry_config.verify_tls;
      return JSON.stringify(value) !== JSON.stringify(before[key] ?? null);
    }),
  );
}
