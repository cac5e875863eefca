import type {
  ApiTokenListView,
  CreatedApiTokenView,
  CreatedUserView,
  HookDeliveryListView,
  HookListView,
  HookView,
  MirrorPreviewView,
  MirrorView,
  OrganizationView,
  OrgMirrorRepositoriesView,
  OrgMirrorVerification,
  OrgMirrorView,
  PermissionListView,
  PermissionView,
  RepositoryView,
  RobotListView,
  RobotView,
  RunListView,
  RunView,
  TagHistoryView,
  TagLedgerView,
  TagRuleWireView,
  UserView,
} from '@ferry/api-schema';
import { SCOPES } from '@ferry/contracts';
import { selectorText } from '../tag-rule-options';
import { fieldsText, table } from '../text-columns';
import type { ApiCommand, Verb } from './api-args';

// What the API verbs print for people: a few fields of each answer, laid out by `text-columns`.
// Each answer is read as the type of its schema in `@ferry/api-schema` (the types only: the CLI
// loads no zod), the schema the API writes it by and its end-to-end tests check it against.

/** An answer of the API, before it is read as its verb's view. */
export type Json = Record<string, unknown>;

/** A mirror or organization mirror after sync-now or cancel, as far as the CLI reads it. */
type StatusAfter = Pick<MirrorView | OrgMirrorView, 'sync_status'>;

/** What a verb prints from its answer (`A`, the view its schema says) and, after sync-now and cancel, the mirror (`M`). */
type AnswerText = (command: ApiCommand, answer: Json, after: Json | null) => string;
const reads =
  <A, M = null>(text: (command: ApiCommand, answer: A, after: M) => string): AnswerText =>
  (command, answer, after) =>
    text(command, answer as A, after as M);

const yesNo = (b: unknown) => (b ? 'yes' : 'no');

/** Ferry's rule, when it says more than root_rule's globs: in the CLI's flags. */
function tagRuleText(rule: TagRuleWireView | undefined): string | undefined {
  if (!rule || (rule.exclude.length === 0 && !rule.keep_newest && rule.include.every((s) => s.kind === 'glob'))) return undefined;
  const parts = (['include', 'exclude'] as const).flatMap((side) => rule[side].map((sel) => selectorText(side, sel)));
  if (rule.keep_newest) parts.push(`--keep-newest ${rule.keep_newest.count} (by ${rule.keep_newest.by})`);
  return parts.join(' ');
}

function mirrorText(subject: string, m: MirrorView): string {
  const rows: [string, unknown][] = [
    ['status', m.sync_status],
    ['upstream', m.external_reference],
    ['tags', (m.root_rule?.rule_value ?? []).join(', ')],
    ['robot', m.robot_username],
    ['interval', `${m.sync_interval} s`],
    ['next sync', m.sync_start_date],
    ['enabled', yesNo(m.is_enabled)],
    ['verify tls', yesNo(m.external_registry_config?.verify_tls)],
    ['tag deletion', m.tag_deletion ? (m.tag_deletion.enabled ? `on${m.tag_deletion.max_delete === null ? '' : `, at most ${m.tag_deletion.max_delete} a run`}` : 'off') : undefined],
  ];
  const rule = tagRuleText(m.tag_rule);
  if (rule) rows.splice(3, 0, ['tag rule', rule]);
  if (m.external_registry_username) rows.push(['username', m.external_registry_username]);
  if (m.sync_expiration_date) rows.push(['lease until', m.sync_expiration_date]);
  if (m.current_run_id) rows.push(['current run', m.current_run_id]);
  if (m.last_run_id) rows.push(['last run', m.last_run_id]);
  return fieldsText(subject, rows);
}

/** An organization mirror: what it mirrors from where, how, and how its repositories are doing. */
function orgMirrorText(subject: string, m: OrgMirrorView): string {
  const counts = Object.entries((m.repo_sync_status_counts ?? {}) as Record<string, number>).filter(([, n]) => n > 0);
  const patterns = (list: OrgMirrorView['include'] | undefined) => (list ?? []).map((p) => `${p.kind} ${p.pattern}`).join(', ');
  const last = m.last_discovery;
  const rows: [string, unknown][] = [
    ['status', m.sync_status],
    ['source', `${m.external_registry_type} ${m.external_registry_url} ${m.external_namespace === '' ? '(the whole registry)' : m.external_namespace}`],
    ['robot', m.robot_username],
    ['visibility', m.visibility],
    ['interval', `${m.sync_interval} s`],
    ['next sync', m.sync_start_date],
    ['enabled', yesNo(m.is_enabled)],
    ['verify tls', yesNo(m.external_registry_config?.verify_tls)],
    ['repositories', counts.length ? counts.map(([s, n]) => `${n} ${s}`).join(', ') : 'none discovered yet'],
    ['name', m.repository_name_template],
    ['vanished', m.vanished ? `${m.vanished.action}${m.vanished.max_delete === null ? '' : `, at most ${m.vanished.max_delete} a discovery`}` : undefined],
  ];
  if ((m.repository_filters ?? []).length) rows.push(['filters', m.repository_filters.join(', ')]);
  if ((m.include ?? []).length) rows.push(['include', patterns(m.include)]);
  if ((m.exclude ?? []).length) rows.push(['exclude', patterns(m.exclude)]);
  const rule = tagRuleText(m.tag_rule);
  if (rule) rows.push(['tag rule', rule]);
  if (m.external_registry_username) rows.push(['username', m.external_registry_username]);
  if (m.current_discovery_id) rows.push(['discovering', m.current_discovery_id]);
  if (last) rows.push(['last', `${last.outcome ?? '-'}: ${last.listed} listed, ${last.matched} selected, ${last.added} added, ${last.vanished} vanished, ${last.deleted} deleted${last.error ? ` (${last.error.code}: ${last.error.message})` : ''}`]);
  return fieldsText(`${subject} (organization mirror)`, rows);
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** A preview: one line a tag, then the totals and what the deletion settings make of the tags that would go. */
function previewText(subject: string, p: MirrorPreviewView): string {
  const rows = [
    ...(p.copy ?? []).map((t) => ['copy', t.tag, t.digest, mib(t.bytes)]),
    ...(p.unchanged ?? []).map((t) => ['unchanged', t.tag, t.digest, '']),
    ...(p.failing ?? []).map((t) => ['fail', t.tag, `${t.error.code}: ${t.error.message}`, '']),
    ...(p.delete ?? []).map((tag) => [p.totals.delete > 0 ? 'delete' : 'keep', tag, '(no longer selected)', '']),
  ];
  const { copy, unchanged, failing, delete: deleting, bytes } = p.totals;
  const refused = p.tag_deletion?.refused;
  const verdict = refused
    ? `DELETE_CAP_EXCEEDED: ${refused.would_delete} tags would go, more than the ${refused.allowed} max_delete allows: the run would delete none and fail\n`
    : !p.tag_deletion?.enabled && (p.delete ?? []).length
      ? `tag deletion is off: the ${p.delete.length} tags no longer selected stay\n`
      : '';
  return `${table(['ACTION', 'TAG', 'DIGEST', 'BYTES'], rows, 'no tags selected')}${subject}: ${p.tags_matched} tags matched: ${copy} to copy (${mib(bytes)}), ${unchanged} unchanged, ${failing} failing, ${deleting} to delete; nothing was written\n${verdict}`;
}

const runsText = (runs: RunView[]) =>
  table(
    ['RUN ID', 'TRIGGER', 'STATUS', 'SCHEDULED', 'FINISHED', 'COPIED', 'FAILED', 'ERROR'],
    runs.map((r) => [r.run_id, r.trigger, r.status, r.scheduled_at, r.finished_at, `${r.tags_copied}/${r.tags_matched}`, String(r.tags_failed), r.error ? `${r.error.code}: ${r.error.message}` : '']),
    'no runs yet',
  );

const userText = (u: UserView) =>
  fieldsText(`${u.username}${u.super_user ? ' (superuser)' : ''}`, [
    ['email', u.email],
    ['orgs', (u.organizations ?? []).map((o) => `${o.name}${o.is_org_admin ? ' (admin)' : ''}`).join(', ')],
  ]);

const robotText = (r: RobotView) =>
  fieldsText(r.name, [
    ['description', r.description],
    ['created', r.created],
    ['last used', r.last_accessed],
  ]);

const hookText = (h: HookView) =>
  fieldsText(h.id, [
    ['delivers to', `${h.url} (on this API's address)`],
    ['belongs to', h.repository ? `mirror ${h.repository}` : `organization mirror ${h.organization}`],
    ['verification', h.verification],
    ['created', h.created],
    ['last delivery', h.last_delivery],
  ]);

const scopesText = (scopes: string[] = []) => (SCOPES.every((s) => scopes.includes(s)) ? 'all scopes' : scopes.join(','));

/** What a delivery that named nothing Ferry reads shows as. */
const NOTHING_READ: HookDeliveryListView['deliveries'][number]['results'][number] = { repository: '', tags: [], outcome: 'ignored', detail: 'nothing Ferry reads', mirror: null };

const shownOnce = (what: string, secret: string | undefined) => `${what}: ${secret}\n(shown this once: store it now)\n`;

/** What each verb prints for people (login and logout print their own): from its command, the API's answer and, for sync-now and cancel, the mirror after it. */
export const ANSWER_TEXT: Record<Exclude<Verb, 'login' | 'logout'>, AnswerText> = {
  whoami: reads<UserView>((_c, a) => userText(a)),
  'mirror create': reads<MirrorView>((c, a) => `created mirror ${mirrorText(c.subject, a)}`),
  'mirror get': reads<MirrorView>((c, a) => mirrorText(c.subject, a)),
  'mirror delete': (c) => `deleted mirror ${c.subject} (the target's images stay)\n`,
  'mirror sync-now': reads<unknown, StatusAfter | null>((c, _a, m) => `sync requested for ${c.subject}; status ${m?.sync_status ?? 'unknown'}\n`),
  'mirror cancel': reads<unknown, StatusAfter | null>((c, _a, m) => `sync cancelled for ${c.subject}; status ${m?.sync_status ?? 'unknown'}\n`),
  'mirror runs': reads<RunListView>((_c, a) => runsText(a.runs ?? [])),
  'mirror preview': reads<MirrorPreviewView>((c, a) => previewText(c.subject, a)),
  'mirror tags': reads<TagLedgerView>((_c, a) => table(['TAG', 'DIGEST', 'RUN', 'WRITTEN'], (a.tags ?? []).map((t) => [t.name, t.manifest_digest, t.run_id, t.last_modified]), 'no tags written yet')),
  'mirror tag-history': reads<TagHistoryView>(
    (_c, a) =>
      `${a.tag}: first seen upstream ${a.first_seen_upstream ?? '(not listed now)'}; holds ${a.current_digest ?? 'nothing'}\n` +
      table(['WHEN', 'CHANGE', 'DIGEST', 'RUN'], (a.history ?? []).map((h) => [h.at, h.change, h.digest, h.run_id]), 'no changes recorded'),
  ),
  'org create': (c) => `created organization ${c.subject}\n`,
  'org get': reads<OrganizationView>((c, a) => fieldsText(a.name ?? c.subject, [['email', a.email], ['admin', yesNo(a.is_admin)], ['member', yesNo(a.is_member)]])),
  'org delete': (c) => `deleted organization ${c.subject}\n`,
  'repo create': (c) => `created repository ${c.subject} (${c.body!.visibility})\n`,
  'repo get': reads<RepositoryView>((c, a) =>
    fieldsText(c.subject, [
      ['description', a.description],
      ['visibility', a.is_public ? 'public' : 'private'],
      ['state', a.state],
      ['can write', yesNo(a.can_write)],
      ['can admin', yesNo(a.can_admin)],
    ]),
  ),
  'repo delete': (c) => `deleted repository ${c.subject} (and its mirror, if it had one)\n`,
  'repo state': (c) => `${c.subject} is now ${c.body!.state}\n`,
  'permission list': reads<PermissionListView>((_c, a) =>
    table(
      ['NAME', 'KIND', 'ROLE'],
      Object.values(a.permissions ?? {}).map((p) => [p.name, p.is_robot ? 'robot' : 'user', p.role]),
      'no permissions',
    ),
  ),
  'permission set': reads<PermissionView>((c, a) => `${a.name ?? c.args[1]} has ${a.role ?? c.body!.role} on ${c.subject}\n`),
  'permission remove': (c) => `removed ${c.args[1]}'s role on ${c.subject}\n`,
  'robot create': reads<RobotView>((_c, a) => `created robot ${a.name}\n${shownOnce('token', a.token)}`),
  'robot list': reads<RobotListView>((_c, a) => table(['NAME', 'DESCRIPTION', 'CREATED', 'LAST USED'], (a.robots ?? []).map((r) => [r.name, r.description, r.created, r.last_accessed]), 'no robots')),
  'robot get': reads<RobotView>((_c, a) => robotText(a)),
  'robot delete': (c) => `deleted robot ${c.subject}\n`,
  'robot regenerate': reads<RobotView>((_c, a) => `new token for robot ${a.name} (the old one no longer works)\n${shownOnce('token', a.token)}`),
  'hook create': reads<HookView>((_c, a) => `created hook ${hookText(a)}${shownOnce('secret', a.secret)}`),
  'hook list': reads<HookListView>((_c, a) =>
    table(['ID', 'VERIFICATION', 'CREATED', 'LAST DELIVERY', 'URL'], (a.hooks ?? []).map((h) => [h.id, h.verification, h.created, h.last_delivery, h.url]), 'no hooks'),
  ),
  'hook rotate': reads<HookView>((_c, a) => `new secret for hook ${a.id} (the old one no longer works)\n${shownOnce('secret', a.secret)}`),
  'hook delete': (c) => `deleted hook ${c.args[1]} of ${c.subject}\n`,
  'hook deliveries': reads<HookDeliveryListView>((_c, a) =>
    table(
      ['RECEIVED', 'SENDER', 'REPOSITORY', 'TAGS', 'OUTCOME', 'DETAIL'],
      (a.deliveries ?? []).flatMap((d) => (d.results.length ? d.results : [NOTHING_READ]).map((r) => [d.received, d.sender, r.repository, r.tags.join(','), r.outcome, r.detail])),
      'no deliveries',
    ),
  ),
  'token create': reads<CreatedApiTokenView>((_c, a) => `created token ${a.token.uuid} "${a.token.title}" (${scopesText(a.token.scopes)}; expires ${a.token.expiration ?? 'never'})\n${shownOnce('token', a.token.token_code)}`),
  'token list': reads<ApiTokenListView>((_c, a) =>
    table(
      ['UUID', 'TITLE', 'SCOPES', 'CREATED', 'EXPIRES', 'LAST USED'],
      (a.tokens ?? []).map((t) => [t.uuid, t.title, scopesText(t.scopes), t.created, t.expiration ?? 'never', t.last_accessed]),
      'no tokens',
    ),
  ),
  'token revoke': (c) => `revoked token ${c.subject}\n`,
  'user create': reads<CreatedUserView>((_c, a) => `created user ${a.username}\n${a.password ? shownOnce('password', a.password) : ''}`),
  'user delete': (c) => `deleted user ${c.subject}\n`,
  'org-mirror create': reads<OrgMirrorView>((c, a) => `created ${orgMirrorText(c.subject, a)}`),
  'org-mirror update': reads<OrgMirrorView>((c, a) => `changed ${orgMirrorText(c.subject, a)}`),
  'org-mirror get': reads<OrgMirrorView>((c, a) => orgMirrorText(c.subject, a)),
  'org-mirror delete': (c) => `deleted the organization mirror of ${c.subject}${c.path.includes('delete_repositories=true') ? ', with its repositories and their images' : ' (its repositories stay, no longer mirrored)'}\n`,
  'org-mirror sync-now': reads<unknown, StatusAfter | null>((c, _a, m) => `discovery requested for ${c.subject}; status ${m?.sync_status ?? 'unknown'}\n`),
  'org-mirror cancel': reads<unknown, StatusAfter | null>((c, _a, m) => `cancelled for ${c.subject}; status ${m?.sync_status ?? 'unknown'}\n`),
  'org-mirror verify': reads<OrgMirrorVerification>((c, a) => `${c.subject}: ${a.success ? 'connection successful' : `failed: ${a.message}${a.code ? ` (${a.code})` : ''}`}\n`),
  'org-mirror repositories': reads<OrgMirrorRepositoriesView>(
    (_c, a) =>
      table(
        ['NAME', 'STATUS', 'UPSTREAM', 'DISCOVERED', 'LAST SYNC', 'MESSAGE'],
        (a.repositories ?? []).map((r) => [r.name, r.sync_status, r.upstream_repository, r.discovery_date, r.last_sync_date, r.status_message]),
        'no repositories discovered',
      ) + (a.has_next ? `(page ${a.page} of ${Math.ceil(a.total / a.limit)}, ${a.total} in all: --page ${a.page + 1} for more)\n` : ''),
  ),
};
