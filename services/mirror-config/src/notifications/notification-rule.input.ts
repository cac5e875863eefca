import { z } from 'zod';
import { NotificationEvent, NotificationMethod, type NotificationRule } from '@ferry/contracts';
import type { FieldProblem } from '@ferry/mirror';
import { isDeliveryMethod, NO_SECRET, RECEIVERS, type ReceiverSettings } from '@ferry/notifications';
import { problemsOf } from '../http/schema-problems';
import { InvalidRequestError } from '../http/problem';
import { inFieldOrder, text } from '../http/request-body';
import { requestSchema } from '../http/operation';

const EVENTS = Object.values(NotificationEvent) as [NotificationEvent, ...NotificationEvent[]];
const METHODS = Object.values(NotificationMethod) as [NotificationMethod, ...NotificationMethod[]];
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;

/** A rule as the request gives it: the secret still open, no ids or scope yet. */
export type NotificationRuleDraft = Omit<NotificationRule, 'ruleId' | 'mirrorId' | 'namespace' | 'secret' | 'events'> & {
  events: NotificationEvent[];
  secret: string | null;
};

const EVENTS_MESSAGE = `must be a non-empty list of ${EVENTS.join(', ')}`;
const FAILURES_MESSAGE = 'must be a whole number from 1 to 1000';

/** Quay's in-app list of a user: no delivery, so no receiver of `@ferry/notifications`. */
const IN_APP_CONFIG = z
  .object({
    target: z.object({ kind: z.literal('user', { error: 'must be "user"' }).optional(), name: z.string({ error: 'must be a user name' }).regex(USERNAME, { error: 'must be a user name' }) }),
    secret: NO_SECRET,
  })
  .transform(({ target }) => ({ target: target.name, secret: null }));

/** A method's `config`, in Quay's shape, read as the rule's target and secret. */
const configOf = (method: NotificationMethod): z.ZodType<ReceiverSettings> => (isDeliveryMethod(method) ? RECEIVERS[method].configSchema : IN_APP_CONFIG);

const EVENT_CONFIG = z.object({
  min_consecutive_failures: z.number({ error: FAILURES_MESSAGE }).int({ error: FAILURES_MESSAGE }).min(1, { error: FAILURES_MESSAGE }).max(1000, { error: FAILURES_MESSAGE }).optional(),
});

/** What every rule says, whatever its method. */
const RULE_FIELDS = {
  event: z.enum(EVENTS, { error: `must be one of ${EVENTS.join(', ')}` }).optional().meta({ description: 'Quay\'s single event; `events` or this is required.' }),
  events: z.array(z.enum(EVENTS), { error: EVENTS_MESSAGE }).min(1, { error: EVENTS_MESSAGE }).optional().meta({ description: 'Ferry\'s: any of the mirror events.' }),
  method: z.enum(METHODS, { error: `must be one of ${METHODS.join(', ')}` }),
  title: text(255).nullable().optional(),
  eventConfig: EVENT_CONFIG.optional(),
  event_config: EVENT_CONFIG.optional().meta({ description: 'The same as eventConfig.' }),
};
const RULE = z.object({ ...RULE_FIELDS, config: z.unknown().optional() });

/**
 * Quay's create-notification body (`event`, `method`, `config`, `eventConfig`, `title`) plus
 * Ferry's `events: [...]`: one variant per method, each with its method's `config`. The parser
 * reads the fields every rule has, then the method's `config`, so every bad field is named at once.
 */
export const NOTIFICATION_RULE_BODY = requestSchema(
  'CreateNotificationRuleRequest',
  z.discriminatedUnion(
    'method',
    METHODS.map((method) => z.object({ ...RULE_FIELDS, method: z.literal(method), config: configOf(method) })) as unknown as [z.ZodObject, ...z.ZodObject[]],
  ),
);

/** The order problems are named in: the order of Quay's body. */
const FIELD_ORDER = ['event', 'events', 'method', 'config', 'title', 'eventConfig', 'event_config'];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads a notification rule request (`NOTIFICATION_RULE_BODY`): Quay's single `event` is the
 * same as a list of one, and leads the list when both are given. Every bad field is named in one 400.
 */
export function parseNotificationRule(body: unknown): NotificationRuleDraft {
  const problems: FieldProblem[] = [];
  if (!isObject(body)) problems.push({ field: '(body)', message: 'must be a JSON object' });
  const input = isObject(body) ? body : {};
  const rule = RULE.safeParse(input);
  // A bad member of `events` is the list's problem: it names the events there are.
  if (!rule.success) problems.push(...problemsOf(rule.error).map((p) => (p.field.startsWith('events[') ? { field: 'events', message: EVENTS_MESSAGE } : p)));
  if (input.event === undefined && input.events === undefined) problems.push({ field: 'event', message: `is required (or events: a list of ${EVENTS.join(', ')})` });
  const method = METHODS.includes(input.method as NotificationMethod) ? (input.method as NotificationMethod) : undefined;
  const config = method ? configOf(method).safeParse(isObject(input.config) ? input.config : {}) : undefined;
  if (config && !config.success) problems.push(...problemsOf(config.error, 'config'));
  if (problems.length || !rule.success || !config?.success) throw new InvalidRequestError(inFieldOrder(problems, FIELD_ORDER));
  const fields = rule.data;
  const events = [...new Set(fields.events ?? [])];
  // Quay's `event` leads, so the rule's single (Quay-shaped) event is the one the client named.
  if (fields.event) events.splice(0, events.length, fields.event, ...events.filter((e) => e !== fields.event));
  return {
    event: events[0]!,
    events,
    method: method!,
    target: config.data.target,
    title: fields.title ?? '',
    secret: config.data.secret,
    minConsecutiveFailures: (fields.eventConfig ?? fields.event_config)?.min_consecutive_failures ?? 1,
  };
}
