import { bytes, count, seconds } from './format';
import { humanize, triggerWords } from './words';

/**
 * One sentence per usage-log kind, as Quay's usage logs read ("Mirror of quay.io/x synced 3 tags"),
 * from the event's own fields; the fields themselves stay behind the row's expander. A kind the
 * console does not know yet reads as its name in words, and the API's own sentence wins when it
 * gives one (the organization mirror's log does).
 */
export interface LogLine {
  kind: string;
  metadata: unknown;
  description?: string | undefined;
  performer: { name: string; is_robot: boolean; kind: string } | null;
}

type Data = Record<string, any>;
const str = (v: unknown, fallback = '?') => (typeof v === 'string' && v !== '' ? v : fallback);
const short = (id: unknown) => (typeof id === 'string' ? id.slice(0, 8) : '?');
const summaryWords = (s: Data | null | undefined): string => {
  if (!s) return 'nothing was done';
  const parts = [`${count(Number(s.tagsCopied ?? 0), 'tag')} copied`, `${Number(s.tagsUnchanged ?? 0)} unchanged`];
  if (s.tagsFailed) parts.push(`${s.tagsFailed} failed`);
  if (s.tagsDeleted) parts.push(`${s.tagsDeleted} deleted`);
  return `${parts.join(', ')} (${bytes(Number(s.bytesCopied ?? 0))})`;
};
const grantTarget = (resource: Data | undefined) =>
  !resource ? 'a resource' : resource.kind === 'organization' ? `organization ${str(resource.namespace)}` : `repository ${str(resource.namespace)}/${str(resource.repository)}`;
const mirrorTarget = (config: Data | undefined) => (config ? `${str(config.externalReference)} into ${str(config.namespace)}/${str(config.repository)}` : 'the upstream');

const SENTENCES: Record<string, (d: Data) => string> = {
  MirrorCreated: (d) => `Mirror created: ${mirrorTarget(d.config)}, every ${seconds(Number(d.config?.syncInterval))}, written by ${str(d.config?.robotUsername)}.`,
  MirrorUpdated: (d) => `Mirror settings changed${d.config?.isEnabled === false ? ' (the mirror is disabled)' : ''}: ${mirrorTarget(d.config)}.`,
  MirrorDeleted: () => 'Mirror deleted; the images already copied stay.',
  MirrorSyncNowRequested: () => 'Sync now was requested.',
  MirrorRunScheduled: (d) => `A run was scheduled (${triggerWords(str(d.trigger)).toLowerCase()})${Array.isArray(d.tags) && d.tags.length ? ` for ${d.tags.join(', ')}` : ''}.`,
  MirrorStarted: (d) => `The run started on worker ${str(d.worker)}, reading ${str(d.externalReference)}.`,
  MirrorRunResumed: (d) => `Worker ${str(d.worker)} resumed the run after its previous worker stopped answering.`,
  MirrorLeaseRenewed: () => 'The running worker renewed its hold on the run.',
  MirrorLeaseReleased: () => 'A stopping worker handed the run back, to be resumed by another.',
  MirrorSucceeded: (d) => `The run succeeded: ${summaryWords(d.summary)}.`,
  MirrorFailed: (d) =>
    `The run failed: ${str(d.error?.message, str(d.error?.code, 'no reason given'))}${d.retryable && d.retriesRemaining > 0 ? ` (retried, ${d.retriesRemaining} left)` : ''}; ${summaryWords(d.summary)}.`,
  MirrorCancelRequested: () => 'Cancelling the run was requested.',
  MirrorCancelled: (d) => `The run was cancelled${d.summary ? `: ${summaryWords(d.summary)}` : ''}.`,
  MirrorPushReceived: (d) => `The upstream reported a push of ${Array.isArray(d.tags) && d.tags.length ? d.tags.join(', ') : 'new tags'}; they are copied on the next run.`,
  MirrorTagSynced: (d) => (d.unchanged ? `Tag ${str(d.tag)} was already up to date.` : `Tag ${str(d.tag)} was copied (${bytes(Number(d.bytesCopied ?? 0))}).`),
  MirrorTagFailed: (d) => `Tag ${str(d.tag)} could not be copied: ${str(d.error?.message, str(d.error?.code, 'no reason given'))}.`,
  MirrorTagDeleted: (d) => `Tag ${str(d.tag)} was deleted: it no longer matches upstream.`,
  MirrorTagRolledBack: (d) => `Tag ${str(d.tag)} was rolled back to its previous image.`,
  RegistryTokenIssued: (d) =>
    `${str(d.subject)} was given a registry token for ${d.namespace ? `${d.namespace}/${str(d.repository, '')}` : 'the catalog'} (${d.granted?.length ? `may ${d.granted.join(', ')}` : 'nothing granted'}${d.refused?.length ? `; refused ${d.refused.join(', ')}` : ''}).`,
  RepositoryCreated: (d) => `Repository ${str(d.namespace)}/${str(d.repository)} was created (${str(d.visibility)}).`,
  RepositoryUpdated: (d) => `Repository ${str(d.namespace)}/${str(d.repository)} was changed (${str(d.visibility)}).`,
  RepositoryStateChanged: (d) => `Repository ${str(d.namespace)}/${str(d.repository)} is now in state ${humanize(str(d.state))}.`,
  RepositoryDeleted: (d) => `Repository ${str(d.namespace)}/${str(d.repository)} was deleted.`,
  PermissionGranted: (d) => `${str(d.principal?.name)} was given ${str(d.role)} on ${grantTarget(d.resource)}.`,
  PermissionRevoked: (d) => `${str(d.principal?.name)} lost their role on ${grantTarget(d.resource)}.`,
  NotificationRuleCreated: (d) => `Notification rule "${str(d.title, 'untitled')}" was added.`,
  NotificationRuleDeleted: () => 'A notification rule was deleted.',
  NotificationRuleFailuresReset: () => 'A notification rule\'s failed deliveries were reset.',
  NotificationRuleDisabled: (d) => `A notification rule was disabled after ${count(Number(d.failures ?? 0), 'failed delivery', 'failed deliveries')}.`,
  HookCreated: () => 'An upstream push hook was created.',
  HookSecretRotated: () => 'A push hook was given a new secret; the old one is refused.',
  HookDeleted: () => 'A push hook was deleted.',
  HookDeliveryRecorded: (d) => `The upstream delivered a push notification (${str(d.sender)}).`,
  RobotCreated: (d) => `Robot account ${str(d.username)} was created.`,
  RobotTokenRegenerated: (d) => `Robot account ${str(d.username)} was given a new token.`,
  RobotTokenRead: (d) => `Robot account ${str(d.username)}'s token was viewed.`,
  RobotDeleted: (d) => `Robot account ${str(d.username)} was deleted.`,
  TeamCreated: (d) => `Team ${str(d.team)} was created in ${str(d.organization)} with role ${str(d.role)}.`,
  TeamMemberAdded: (d) => `${str(d.member?.name)} was added to team ${str(d.team)}.`,
  TeamMemberRemoved: (d) => `${str(d.member?.name)} was removed from team ${str(d.team)}.`,
  OrganizationCreated: (d) => `Organization ${str(d.name)} was created.`,
};

/** The log entry in one sentence. */
export function logSentence(entry: LogLine): string {
  if (entry.description) return entry.description;
  const data = entry.metadata && typeof entry.metadata === 'object' ? (entry.metadata as Data) : {};
  const sentence = SENTENCES[entry.kind];
  if (sentence) return sentence(data);
  return `${humanize(entry.kind.replace(/([a-z])([A-Z])/g, '$1 $2'))}.`;
}

/** Kinds that are bookkeeping rather than news: hidden unless asked for (every pull issues a registry token). */
export const NOISY_KINDS: ReadonlySet<string> = new Set(['RegistryTokenIssued', 'MirrorLeaseRenewed']);

/** The run an entry belongs to, to link it (its short id, for the row). */
export function logRunId(entry: LogLine): string | null {
  const data = entry.metadata && typeof entry.metadata === 'object' ? (entry.metadata as Data) : {};
  return typeof data.runId === 'string' ? data.runId : null;
}

export const shortId = short;
