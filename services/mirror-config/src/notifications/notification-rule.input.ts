import { NotificationEvent, NotificationMethod, type NotificationRule } from '@ferry/contracts';
import type { FieldProblem } from '@ferry/mirror';
import { InvalidRequestError } from '../http/problem';

const EVENTS = Object.values(NotificationEvent) as string[];
const METHODS = Object.values(NotificationMethod) as string[];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;

/** A rule as the request gives it: the secret still open, no ids or scope yet. */
export type NotificationRuleDraft = Omit<NotificationRule, 'ruleId' | 'mirrorId' | 'namespace' | 'secret' | 'events'> & {
  events: NotificationEvent[];
  secret: string | null;
};

function record(value: unknown): Record<string, unknown> {
  return (typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {}) as Record<string, unknown>;
}

/**
 * Reads Quay's create-notification body (`event`, `method`, `config`, `eventConfig`, `title`)
 * plus Ferry's `events: [...]` (any subset of the three mirror events; Quay's single `event` is
 * the same as a list of one). Every bad field is named in one 400.
 */
export function parseNotificationRule(body: unknown): NotificationRuleDraft {
  const problems: FieldProblem[] = [];
  const b = record(body);
  if (b !== body) problems.push({ field: '(body)', message: 'must be a JSON object' });

  const events: NotificationEvent[] = [];
  if (b.events !== undefined) {
    if (!Array.isArray(b.events) || b.events.length === 0 || b.events.some((e) => typeof e !== 'string' || !EVENTS.includes(e))) {
      problems.push({ field: 'events', message: `must be a non-empty list of ${EVENTS.join(', ')}` });
    } else {
      for (const e of b.events as NotificationEvent[]) if (!events.includes(e)) events.push(e);
    }
  }
  if (b.event !== undefined) {
    if (typeof b.event !== 'string' || !EVENTS.includes(b.event)) problems.push({ field: 'event', message: `must be one of ${EVENTS.join(', ')}` });
    else {
      // Quay's `event` leads, so the rule's single (Quay-shaped) event is the one the client named.
      const at = events.indexOf(b.event as NotificationEvent);
      if (at >= 0) events.splice(at, 1);
      events.unshift(b.event as NotificationEvent);
    }
  }
  if (b.event === undefined && b.events === undefined) problems.push({ field: 'event', message: `is required (or events: a list of ${EVENTS.join(', ')})` });

  const method = b.method;
  if (typeof method !== 'string' || !METHODS.includes(method)) problems.push({ field: 'method', message: `must be one of ${METHODS.join(', ')}` });
  const config = record(b.config);
  let target = '';
  if (method === NotificationMethod.Email) {
    if (typeof config.email !== 'string' || !EMAIL.test(config.email)) problems.push({ field: 'config.email', message: 'must be an email address' });
    else target = config.email;
  } else if (method === NotificationMethod.InApp) {
    // Quay's shape: {"target": {"kind": "user", "name": "alice"}}.
    const t = record(config.target);
    if (t.kind !== undefined && t.kind !== 'user') problems.push({ field: 'config.target.kind', message: 'must be "user"' });
    else if (typeof t.name !== 'string' || !USERNAME.test(t.name)) problems.push({ field: 'config.target.name', message: 'must be a user name' });
    else target = t.name;
  } else if (typeof method === 'string' && METHODS.includes(method)) {
    try {
      const url = new URL(String(config.url));
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
      target = url.toString();
    } catch {
      problems.push({ field: 'config.url', message: 'must be an http:// or https:// URL' });
    }
  }
  let secret: string | null = null;
  if (config.secret !== undefined && config.secret !== null) {
    if (method !== NotificationMethod.Webhook) problems.push({ field: 'config.secret', message: 'is for webhooks only' });
    else if (typeof config.secret !== 'string' || config.secret.length < 16 || config.secret.length > 256) problems.push({ field: 'config.secret', message: 'must be 16 to 256 characters' });
    else secret = config.secret;
  }
  const title = b.title ?? '';
  if (typeof title !== 'string' || title.length > 255) problems.push({ field: 'title', message: 'must be a string of at most 255 characters' });
  const eventConfig = record(b.eventConfig ?? b.event_config);
  const n = eventConfig.min_consecutive_failures ?? 1;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 1000) problems.push({ field: 'eventConfig.min_consecutive_failures', message: 'must be a whole number from 1 to 1000' });
  if (problems.length) throw new InvalidRequestError(problems);
  return {
    event: events[0]!,
    events,
    method: method as NotificationMethod,
    target,
    title: title as string,
    secret,
    minConsecutiveFailures: n as number,
  };
}
