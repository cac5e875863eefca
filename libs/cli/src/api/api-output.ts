import { SCOPES } from '@ferry/contracts';
import { fieldsText, table } from '../text-columns';
import type { ApiCommand, Verb } from './api-args';

// What the API verbs print for people: a few fields of each answer, laid out by `text-columns`.

/** An answer of the API, as far as the CLI reads it. */
export type Json = Record<string, any>;

const yesNo = (b: unknown) => (b ? 'yes' : 'no');

/** A selector as `ferry mirror create` takes it: `--tags-semver >=1.27`. */
const selectorText = (side: string, sel: Json) =>
  sel.kind === 'glob' ? `${side === 'include' ? '--tags' : '--exclude'} ${sel.patterns.join(',')}` : `${side === 'include' ? '--tags' : '--exclude'}-${sel.kind} ${sel.pattern ?? sel.range}${sel.include_prerelease ? ' --include-prerelease' : ''}`;

/** Ferry's rule, when it says more than root_rule's globs: in the CLI's flags. */
function tagRuleText(rule: Json | undefined): string | undefined {
  if (!rule || (rule.exclude.length === 0 && !rule.keep_newest && rule.include.every((s: Json) => s.kind === 'glob'))) return undefined;
  const parts = ['include', 'exclude'].flatMap((side) => (rule[side] as Json[]).map((sel) => selectorText(side, sel)));
  if (rule.keep_newest) parts.push(`--keep-newest ${rule.keep_newest.count} (by ${rule.keep_newest.by})`);
  return parts.join(' ');
}

function mirrorText(subject: string, m: Json): string {
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
function orgMirrorText(subject: string, m: Json): string {
  const counts = Object.entries((m.repo_sync_status_counts ?? {}) as Record<string, number>).filter(([, n]) => n > 0);
  const patterns = (list: Json[] | undefined) => (list ?? []).map((p) => `${p.kind} ${p.pattern}`).join(', ');
  const last = m.last_discovery as Json | null;
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
function previewText(subject: string, p: Json): string {
  const rows = [
    ...(p.copy ?? []).map((t: Json) => ['copy', t.tag, t.digest, mib(t.bytes)]),
    ...(p.unchanged ?? []).map((t: Json) => ['unchanged', t.tag, t.digest, '']),
    ...(p.failing ?? []).map((t: Json) => ['fail', t.tag, `${t.error.code}: ${t.error.message}`, '']),
    ...(p.delete ?? []).map((tag: string) => [p.totals.delete > 0 ? 'delete' : 'keep', tag, '(no longer selected)', '']),
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

const runsText = (runs: Json[]) =>
  table(
    ['RUN ID', 'TRIGGER', 'STATUS', 'SCHEDULED', 'FINISHED', 'COPIED', 'FAILED', 'ERROR'],
    runs.map((r) => [r.run_id, r.trigger, r.status, r.scheduled_at, r.finished_at, `${r.tags_copied}/${r.tags_matched}`, String(r.tags_failed), r.error ? `${r.error.code}: ${r.error.message}` : '']),
    'no runs yet',
  );

const userText = (u: Json) =>
  fieldsText(`${u.username}${u.super_user ? ' (superuser)' : ''}`, [
    ['email', u.email],
    ['orgs', (u.organizations ?? []).map((o: Json) => `${o.name}${o.is_org_admin ? ' (admin)' : ''}`).join(', ')],
  ]);

const robotText = (r: Json) =>
  fieldsText(r.name, [
    ['description', r.description],
    ['created', r.created],
    ['last used', r.last_accessed],
  ]);

const hookText = (h: Json) =>
  fieldsText(h.id, [
    ['delivers to', `${h.url} (on this API's address)`],
    ['belongs to', h.repository ? `mirror ${h.repository}` : `organization mirror ${h.organization}`],
    ['verification', h.verification],
    ['created', h.created],
    ['last delivery', h.last_delivery],
  ]);

const scopesText = (scopes: string[] = []) => (SCOPES.every((s) => scopes.includes(s)) ? 'all scopes' : scopes.join(','));

const shownOnce = (what: string, secret: string) => `${what}: ${secret}\n(shown this once: store it now)\n`;

/** What each verb prints for people (login and logout print their own): from its command, the API's answer and, for sync-now and cancel, the mirror after it. */
export const ANSWER_TEXT: Record<Exclude<Verb, 'login' | 'logout'>, (command: ApiCommand, answer: Json, mirror: Json | null) => string> = {
  whoami: (_c, a) => userText(a),
  'mirror create': (c, a) => `created mirror ${mirrorText(c.subject, a)}`,
  'mirror get': (c, a) => mirrorText(c.subject, a),
  'mirror delete': (c) => `deleted mirror ${c.subject} (the target's images stay)\n`,
  'mirror sync-now': (c, _a, m) => `sync requested for ${c.subject}; status ${m?.sync_status ?? 'unknown'}\n`,
  'mirror cancel': (c, _a, m) => `sync cancelled for ${c.subject}; status ${m?.sync_status ?? 'unknown'}\n`,
  'mirror runs': (_c, a) => runsText(a.runs ?? []),
  'mirror preview': (c, a) => previewText(c.subject, a),
  'mirror tags': (_c, a) => table(['TAG', 'DIGEST', 'RUN', 'WRITTEN'], (a.tags ?? []).map((t: Json) => [t.name, t.manifest_digest, t.run_id, t.last_modified]), 'no tags written yet'),
  'mirror tag-history': (_c, a) =>
    `${a.tag}: first seen upstream ${a.first_seen_upstream ?? '(not listed now)'}; holds ${a.current_digest ?? 'nothing'}\n` +
    table(['WHEN', 'CHANGE', 'DIGEST', 'RUN'], (a.history ?? []).map((h: Json) => [h.at, h.change, h.digest, h.run_id]), 'no changes recorded'),
  'org create': (c) => `created organization ${c.subject}\n`,
  'org get': (c, a) => fieldsText(a.name ?? c.subject, [['email', a.email], ['admin', yesNo(a.is_admin)], ['member', yesNo(a.is_member)]]),
  'org delete': (c) => `deleted organization ${c.subject}\n`,
  'repo create': (c) => `created repository ${c.subject} (${c.body!.visibility})\n`,
  'repo get': (c, a) =>
    fieldsText(c.subject, [
      ['description', a.description],
      ['visibility', a.is_public ? 'public' : 'private'],
      ['state', a.state],
      ['can write', yesNo(a.can_write)],
      ['can admin', yesNo(a.can_admin)],
    ]),
  'repo delete': (c) => `deleted repository ${c.subject} (and its mirror, if it had one)\n`,
  'repo state': (c) => `${c.subject} is now ${c.body!.state}\n`,
  'permission list': (_c, a) =>
    table(
      ['NAME', 'KIND', 'ROLE'],
      Object.values((a.permissions ?? {}) as Record<string, Json>).map((p) => [p.name, p.is_robot ? 'robot' : 'user', p.role]),
      'no permissions',
    ),
  'permission set': (c, a) => `${a.name ?? c.args[1]} has ${a.role ?? c.body!.role} on ${c.subject}\n`,
  'permission remove': (c) => `removed ${c.args[1]}'s role on ${c.subject}\n`,
  'robot create': (_c, a) => `created robot ${a.name}\n${shownOnce('token', a.token)}`,
  'robot list': (_c, a) => table(['NAME', 'DESCRIPTION', 'CREATED', 'LAST USED'], (a.robots ?? []).map((r: Json) => [r.name, r.description, r.created, r.last_accessed]), 'no robots'),
  'robot get': (_c, a) => robotText(a),
  'robot delete': (c) => `deleted robot ${c.subject}\n`,
  'robot regenerate': (_c, a) => `new token for robot ${a.name} (the old one no longer works)\n${shownOnce('token', a.token)}`,
  'hook create': (_c, a) => `created hook ${hookText(a)}${shownOnce('secret', a.secret)}`,
  'hook list': (_c, a) =>
    table(['ID', 'VERIFICATION', 'CREATED', 'LAST DELIVERY', 'URL'], (a.hooks ?? []).map((h: Json) => [h.id, h.verification, h.created, h.last_delivery, h.url]), 'no hooks'),
  'hook rotate': (_c, a) => `new secret for hook ${a.id} (the old one no longer works)\n${shownOnce('secret', a.secret)}`,
  'hook delete': (c) => `deleted hook ${c.args[1]} of ${c.subject}\n`,
  'hook deliveries': (_c, a) =>
    table(
      ['RECEIVED', 'SENDER', 'REPOSITORY', 'TAGS', 'OUTCOME', 'DETAIL'],
      (a.deliveries ?? []).flatMap((d: Json) => (d.results.length ? d.results : [{ repository: '', tags: [], outcome: 'ignored', detail: 'nothing Ferry reads' }]).map((r: Json) => [d.received, d.sender, r.repository, r.tags.join(','), r.outcome, r.detail])),
      'no deliveries',
    ),
  'token create': (_c, a) => `created token ${a.token.uuid} "${a.token.title}" (${scopesText(a.token.scopes)}; expires ${a.token.expiration ?? 'never'})\n${shownOnce('token', a.token.token_code)}`,
  'token list': (_c, a) =>
    table(
      ['UUID', 'TITLE', 'SCOPES', 'CREATED', 'EXPIRES', 'LAST USED'],
      (a.tokens ?? []).map((t: Json) => [t.uuid, t.title, scopesText(t.scopes), t.created, t.expiration ?? 'never', t.last_accessed]),
      'no tokens',
    ),
  'token revoke': (c) => `revoked token ${c.subject}\n`,
  'user create': (_c, a) => `created user ${a.username}\n${a.password ? shownOnce('password', a.password) : ''}`,
  'user delete': (c) => `deleted user ${c.subject}\n`,
  'org-mirror create': (c, a) => `created ${orgMirrorText(c.subject, a)}`,
  'org-mirror update': (c, a) => `changed ${orgMirrorText(c.subject, a)}`,
  'org-mirror get': (c, a) => orgMirrorText(c.subject, a),
  'org-mirror delete': (c) => `deleted the organization mirror of ${c.subject}${c.path.includes('delete_repositories=true') ? ', with its repositories and their images' : ' (its repositories stay, no longer mirrored)'}\n`,
  'org-mirror sync-now': (c, _a, m) => `discovery requested for ${c.subject}; status ${m?.sync_status ?? 'unknown'}\n`,
  'org-mirror cancel': (c, _a, m) => `cancelled for ${c.subject}; status ${m?.sync_status ?? 'unknown'}\n`,
  'org-mirror verify': (c, a) => `${c.subject}: ${a.success ? 'connection successful' : `failed: ${a.message}${a.code ? ` (${a.code})` : ''}`}\n`,
  'org-mirror repositories': (_c, a) =>
    table(
      ['NAME', 'STATUS', 'UPSTREAM', 'DISCOVERED', 'LAST SYNC', 'MESSAGE'],
      (a.repositories ?? []).map((r: Json) => [r.name, r.sync_status, r.upstream_repository, r.discovery_date, r.last_sync_date, r.status_message]),
      'no repositories discovered',
    ) + (a.has_next ? `(page ${a.page} of ${Math.ceil(a.total / a.limit)}, ${a.total} in all: --page ${a.page + 1} for more)\n` : ''),
};

