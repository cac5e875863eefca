import { intervalParts, numberOrText, UNITS, type Unit } from './mirror-body';
import { bytes, seconds } from './format';

/**
 * The Proxy cache tab's form as typed, the Quay body it becomes (`POST .../proxycache` and
 * `.../validateproxycache`), and the settings and test answers in words: pure, so tested alone.
 */
export interface ProxyCacheSettings {
  upstream_registry: string;
  expiration_s: number | '';
  insecure: boolean | '';
  stale_bound_s: number | '';
  promotion_rule: { min_pulls: number; days: number; robot_username: string; keep_newest: number | null } | null;
}

export interface ProxyCacheDraft {
  upstream: string;
  username: string;
  password: string;
  expiration: string;
  expirationUnit: Unit;
  staleBound: string;
  staleBoundUnit: Unit;
  insecure: boolean;
  promote: boolean;
  minPulls: string;
  days: string;
  robot: string;
  keepNewest: string;
}

export function proxyCacheDraft(): ProxyCacheDraft {
  const expiration = intervalParts(86_400);
  const stale = intervalParts(604_800);
  return {
    upstream: '',
    username: '',
    password: '',
    expiration: expiration.interval,
    expirationUnit: expiration.unit,
    staleBound: stale.interval,
    staleBoundUnit: stale.unit,
    insecure: false,
    promote: false,
    minPulls: '10',
    days: '7',
    robot: '',
    keepNewest: '',
  };
}

const times = (value: string, unit: Unit) => {
  const n = numberOrText(value.trim());
  return typeof n === 'number' ? n * UNITS[unit] : n;
};

/** The body both routes read; credentials only when typed, the promotion rule only when ticked. */
export function proxyCacheBodyOf(draft: ProxyCacheDraft): Record<string, unknown> {
  const body: Record<string, unknown> = {
    upstream_registry: draft.upstream.trim(),
    expiration_s: times(draft.expiration, draft.expirationUnit),
    stale_bound_s: times(draft.staleBound, draft.staleBoundUnit),
    insecure: draft.insecure,
  };
  if (draft.username.trim() !== '') body.upstream_registry_username = draft.username.trim();
  if (draft.password !== '') body.upstream_registry_password = draft.password;
  if (draft.promote) {
    body.promotion_rule = {
      min_pulls: numberOrText(draft.minPulls.trim()),
      days: numberOrText(draft.days.trim()),
      robot_username: draft.robot.trim(),
      ...(draft.keepNewest.trim() === '' ? {} : { keep_newest: numberOrText(draft.keepNewest.trim()) }),
    };
  }
  return body;
}

/** Whether the organization is a proxy cache: Quay answers empty strings when it is not. */
export function isProxyCache(view: ProxyCacheSettings | null | undefined): view is ProxyCacheSettings & { expiration_s: number } {
  return !!view && view.upstream_registry !== '';
}

/** The settings in sentences, as a newcomer reads them. */
export function proxyCacheSentences(namespace: string, view: ProxyCacheSettings): string[] {
  const sentences = [
    `Pulling ${namespace}/<name> through the registry front fetches <name> from ${view.upstream_registry}${view.insecure === true ? ' over plain HTTP' : ''} the first time, then serves it from the cache.`,
    typeof view.expiration_s === 'number' ? `A tag is served from the cache for ${seconds(view.expiration_s)} after the upstream last confirmed it; then the upstream is asked again.` : '',
    typeof view.stale_bound_s === 'number' ? `While the upstream fails, an expired tag is still served for up to ${seconds(view.stale_bound_s)} more, marked stale.` : '',
    view.promotion_rule
      ? `A repository pulled ${view.promotion_rule.min_pulls} times within ${view.promotion_rule.days} day${view.promotion_rule.days === 1 ? '' : 's'} becomes a scheduled mirror, written by ${view.promotion_rule.robot_username}${view.promotion_rule.keep_newest ? `, keeping the newest ${view.promotion_rule.keep_newest} tags` : ''}.`
      : 'Repositories become mirrors only when you promote them.',
  ];
  return sentences.filter(Boolean);
}

/** The answer of `validateproxycache` in words. */
export function connectionWords(answer: string): { variant: 'success' | 'warning'; text: string } {
  return answer === 'Anonymous'
    ? { variant: 'warning', text: 'The upstream answered, but it asks for a login and none was given: type a user name and password, or pulls may be refused.' }
    : { variant: 'success', text: 'The upstream answered with these settings.' };
}

/**
 * A proxy-cache log entry's sentence with units a reader takes in (the API's own sentence gives
 * durations in seconds and sizes in bytes); the API's sentence as it is for any other kind.
 */
export function pulledThroughSentence(entry: { kind: string; metadata: unknown; description?: string | undefined }): string {
  const data = (entry.metadata ?? {}) as Record<string, unknown>;
  const config = (data.config ?? {}) as Record<string, unknown>;
  if (entry.kind === 'ProxyCacheCreated' && typeof config.expirationS === 'number' && typeof config.staleBoundS === 'number') {
    return `${String(data.organization)} became a proxy cache of ${String(config.upstreamRegistry)}: tags are re-checked after ${seconds(config.expirationS)} and served stale for up to ${seconds(config.staleBoundS)} past that${typeof config.upstreamRegistryUsername === 'string' && config.upstreamRegistryUsername ? `, pulling as ${config.upstreamRegistryUsername}` : ''}.`;
  }
  if (entry.kind === 'ProxyCacheFilled' && typeof data.size === 'number' && entry.description) return entry.description.replace(/\((\d+) bytes\)\.$/, () => `(${bytes(data.size as number)}).`);
  return entry.description ?? entry.kind;
}
