import { tagDeletionOf, type DeleteCap, type TagDeletion } from '@ferry/contracts';
import { NAME_COMPONENT, repositoryNameProblem, robotNamespace, robotUsernameProblem, SignaturePolicy, signaturePolicyOf, type ExternalRegistryConfig, type MirrorConfig, type TagRule } from '@ferry/contracts';
import { isIpv6Literal } from '@ferry/net-guard';
import type { FieldProblem } from './tag-rules/selector-kind';
import { normalizeTagPatterns } from './tag-rules/glob';
import { parseRootRule, parseTagRule, quayRootRule, withGlobPatterns } from './tag-rules/tag-rule';

export type { FieldProblem };

/** What happens to the stored upstream password. */
export type PasswordChange = { action: 'keep' } | { action: 'clear' } | { action: 'set'; plaintext: string };

/** A validated configuration, before the password is sealed. */
export type MirrorDraft = Omit<MirrorConfig, 'externalRegistryPassword'>;

export type MirrorInputResult =
  /** `ignored`: fields Quay's schema does not know, which Quay's clients may send; the edge names them in a `Warning`. */
  | { ok: true; draft: MirrorDraft; password: PasswordChange; ignored: string[] }
  | { ok: false; problems: FieldProblem[] };

export const MIN_SYNC_INTERVAL_SECONDS = 60;
export const MIN_TIMEOUT_SECONDS = 300;
const MAX_TIMEOUT_SECONDS = 12 * 3600;
const MAX_SYNC_INTERVAL_SECONDS = 366 * 24 * 3600;

const WRITABLE_FIELDS = new Set([
  'is_enabled',
  'external_reference',
  'external_registry_username',
  'external_registry_password',
  'robot_username',
  'root_rule',
  'tag_rule',
  'sync_start_date',
  'sync_interval',
  'external_registry_config',
  'architecture_filter',
  'skopeo_timeout_interval',
  'signature_policy',
  'tag_deletion',
]);
/** Fields GET returns; accepted and ignored so a client can PUT back what it read. */
const READ_ONLY_FIELDS = new Set(['sync_status', 'sync_expiration_date', 'sync_retries_remaining', 'mirror_type']);

const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[^\]]*\])(?::[0-9]{1,5})?$/;
const START_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const PLATFORM = /^[a-z0-9_]+(?:\/[a-z0-9_]+){0,2}$/;

/** The problem with `external_reference`, if any: `host[:port]/path`, no scheme, tag or userinfo. */
export function externalReferenceProblem(reference: string): string | undefined {
  if (reference.length === 0 || reference.length > 255) return 'must be 1 to 255 characters';
  if (/\s/.test(reference)) return 'must not contain whitespace';
  if (reference.includes('://')) return 'must not include a scheme (write host/path, not https://host/path)';
  if (/[?#\\%]/.test(reference)) return 'must not contain ? # \\ or %';
  if (reference.includes('@')) return 'must not contain credentials or a digest; use external_registry_username';
  const slash = reference.indexOf('/');
  if (slash <= 0) return 'must be host[:port]/repository';
  const host = reference.slice(0, slash);
  const path = reference.slice(slash + 1);
  if (!HOST.test(host)) return `has an invalid registry host "${host}"`;
  if (host.startsWith('[') && !isIpv6Literal(host.slice(1, host.indexOf(']')))) {
    return `has an invalid registry host "${host}": an IPv6 address in brackets is written in hex groups and colons`;
  }
  const port = host.match(/:(\d+)$/)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return 'has a port outside 1-65535';
  if (path.split('/').some((component) => !NAME_COMPONENT.test(component))) {
    return 'has an invalid repository path (lowercase letters, digits and . _ - separators; no tag)';
  }
  return undefined;
}

export { repositoryNameProblem };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function nullableString(value: unknown, field: string, problems: FieldProblem[], check?: (s: string) => string | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value === '') return null;
  if (typeof value !== 'string') {
    problems.push({ field, message: 'must be a string or null' });
    return undefined;
  }
  const problem = check?.(value);
  if (problem) problems.push({ field, message: problem });
  return value;
}

function proxyUrlProblem(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http:// or https:// URL';
    return undefined;
  } catch {
    return 'must be a URL';
  }
}

function parseRegistryConfig(value: unknown, base: ExternalRegistryConfig, problems: FieldProblem[], ignored: string[]): ExternalRegistryConfig {
  if (value === undefined) return base;
  if (!isObject(value)) {
    problems.push({ field: 'external_registry_config', message: 'must be an object' });
    return base;
  }
  const result: ExternalRegistryConfig = { ...base, proxy: { ...base.proxy } };
  for (const key of Object.keys(value)) {
    if (!['verify_tls', 'unsigned_images', 'proxy'].includes(key)) ignored.push(`external_registry_config.${key}`);
  }
  for (const [key, prop] of [['verify_tls', 'verifyTls'], ['unsigned_images', 'unsignedImages']] as const) {
    const v = value[key];
    if (v === undefined) continue;
    if (typeof v !== 'boolean') problems.push({ field: `external_registry_config.${key}`, message: 'must be true or false' });
    else result[prop] = v;
  }
  const proxy = value.proxy;
  if (proxy !== undefined && proxy !== null) {
    if (!isObject(proxy)) {
      problems.push({ field: 'external_registry_config.proxy', message: 'must be an object' });
    } else {
      for (const key of Object.keys(proxy)) {
        if (!['http_proxy', 'https_proxy', 'no_proxy'].includes(key)) ignored.push(`external_registry_config.proxy.${key}`);
      }
      const http = nullableString(proxy.http_proxy, 'external_registry_config.proxy.http_proxy', problems, proxyUrlProblem);
      const https = nullableString(proxy.https_proxy, 'external_registry_config.proxy.https_proxy', problems, proxyUrlProblem);
      const none = nullableString(proxy.no_proxy, 'external_registry_config.proxy.no_proxy', problems, (s) =>
        /\s/.test(s.replaceAll(', ', ',')) ? 'must be a comma-separated host list' : undefined,
      );
      if (http !== undefined) result.proxy.httpProxy = http;
      if (https !== undefined) result.proxy.httpsProxy = https;
      if (none !== undefined) result.proxy.noProxy = none;
    }
  }
  return result;
}

/**
 * Quay's defaults. `unsigned_images: false` leaves unsigned images to the signature policy, whose
 * default (`accept`) copies them, as Quay does.
 */
const DEFAULT_REGISTRY_CONFIG: ExternalRegistryConfig = {
  verifyTls: true,
  unsignedImages: false,
  proxy: { httpProxy: null, httpsProxy: null, noProxy: null },
};

/** Whether a sent `root_rule` says what the rule's globs say (patterns compared as the parser reads them). */
function sameRootRule(sent: unknown, rule: TagRule | undefined): boolean {
  if (rule === undefined || !isObject(sent) || !Array.isArray(sent.rule_value) || sent.rule_value.some((p) => typeof p !== 'string')) return false;
  const quay = quayRootRule(rule);
  return sent.rule_kind === quay.rule_kind && JSON.stringify(normalizeTagPatterns(sent.rule_value as string[])) === JSON.stringify(quay.rule_value);
}

/**
 * The tag rule of a body: Ferry's `tag_rule`, and Quay's `root_rule`, which sets the rule's glob
 * includes and leaves the rest. A `root_rule` sent back unchanged beside a new `tag_rule` (a
 * client that read both) says nothing. Undefined: unchanged, or refused.
 */
function parseRules(body: Record<string, unknown>, base: TagRule | undefined, problems: FieldProblem[]): TagRule | undefined {
  const root = body.root_rule ?? undefined;
  const rich = body.tag_rule ?? undefined;
  if (base === undefined && root === undefined && rich === undefined) {
    problems.push({ field: 'root_rule', message: 'is required (or Ferry\'s tag_rule)' });
    return undefined;
  }
  let rule = rich === undefined ? base : parseTagRule(rich, problems);
  if (rich !== undefined && rule === undefined) return undefined;
  if (root === undefined || (rich !== undefined && (sameRootRule(root, base) || sameRootRule(root, rule)))) return rule;
  const patterns = parseRootRule(root, problems);
  return patterns && withGlobPatterns(rule ?? { include: [], exclude: [] }, patterns);
}

/**
 * Validates a Quay-shaped mirror body. With `base` (a PUT) absent fields keep their stored
 * values; without it (a POST) Quay's required fields must be present. Every problem is reported,
 * each naming its field, so a client can fix them all at once.
 */
export function parseMirrorInput(
  body: unknown,
  target: { namespace: string; repository: string },
  base: MirrorDraft | null,
  hasStoredPassword = false,
): MirrorInputResult {
  const problems: FieldProblem[] = [];
  const ignored: string[] = [];
  if (!isObject(body)) return { ok: false, problems: [{ field: '(body)', message: 'must be a JSON object' }] };
  for (const key of Object.keys(body)) {
    if (!WRITABLE_FIELDS.has(key) && !READ_ONLY_FIELDS.has(key)) ignored.push(key);
  }
  const required = (field: string) => {
    if (base === null && (body[field] === undefined || body[field] === null)) {
      problems.push({ field, message: 'is required' });
      return false;
    }
    return body[field] !== undefined;
  };

  let isEnabled = base?.isEnabled ?? true;
  if (body.is_enabled !== undefined) {
    if (typeof body.is_enabled !== 'boolean') problems.push({ field: 'is_enabled', message: 'must be true or false' });
    else isEnabled = body.is_enabled;
  }

  let externalReference = base?.externalReference ?? '';
  if (required('external_reference')) {
    const v = body.external_reference;
    const problem = typeof v === 'string' ? externalReferenceProblem(v) : 'must be a string';
    if (problem) problems.push({ field: 'external_reference', message: problem });
    else externalReference = v as string;
  }

  let robotUsername = base?.robotUsername ?? '';
  if (required('robot_username')) {
    const v = body.robot_username;
    const problem =
      typeof v !== 'string'
        ? 'must name a robot as namespace+name'
        : (robotUsernameProblem(v) ?? (robotNamespace(v) !== target.namespace ? `must be a robot of the organization ${target.namespace}` : undefined));
    if (problem) problems.push({ field: 'robot_username', message: problem });
    else robotUsername = v as string;
  }

  const tagRule = parseRules(body, base?.tagRule, problems);

  let syncStartDate = base?.syncStartDate ?? '';
  if (required('sync_start_date')) {
    const v = body.sync_start_date;
    if (typeof v !== 'string' || !START_DATE.test(v) || Number.isNaN(Date.parse(v)) || new Date(v).toISOString().slice(0, 19) !== v.slice(0, 19)) {
      problems.push({ field: 'sync_start_date', message: 'must be a UTC time as YYYY-MM-DDTHH:MM:SSZ' });
    } else {
      syncStartDate = new Date(v).toISOString();
    }
  }

  let syncInterval = base?.syncInterval ?? 0;
  if (required('sync_interval')) {
    const v = body.sync_interval;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < MIN_SYNC_INTERVAL_SECONDS || v > MAX_SYNC_INTERVAL_SECONDS) {
      problems.push({ field: 'sync_interval', message: `must be a whole number of seconds from ${MIN_SYNC_INTERVAL_SECONDS} to ${MAX_SYNC_INTERVAL_SECONDS}` });
    } else {
      syncInterval = v;
    }
  }

  let skopeoTimeoutInterval = base?.skopeoTimeoutInterval ?? MIN_TIMEOUT_SECONDS;
  if (body.skopeo_timeout_interval !== undefined) {
    const v = body.skopeo_timeout_interval;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < MIN_TIMEOUT_SECONDS || v > MAX_TIMEOUT_SECONDS) {
      problems.push({ field: 'skopeo_timeout_interval', message: `must be a whole number of seconds from ${MIN_TIMEOUT_SECONDS} to ${MAX_TIMEOUT_SECONDS}` });
    } else {
      skopeoTimeoutInterval = v;
    }
  }

  let architectureFilter = base?.architectureFilter ?? [];
  if (body.architecture_filter !== undefined && body.architecture_filter !== null) {
    const v = body.architecture_filter;
    if (!Array.isArray(v) || v.length > 16 || v.some((a) => typeof a !== 'string' || !PLATFORM.test(a))) {
      problems.push({ field: 'architecture_filter', message: 'must be a list of up to 16 platforms such as "amd64" or "linux/arm64/v8"' });
    } else {
      architectureFilter = [...new Set(v as string[])];
    }
  } else if (body.architecture_filter === null) {
    architectureFilter = [];
  }

  const externalRegistryConfig = parseRegistryConfig(body.external_registry_config, base?.externalRegistryConfig ?? DEFAULT_REGISTRY_CONFIG, problems, ignored);

  let signaturePolicy = base ? signaturePolicyOf(base) : SignaturePolicy.Accept;
  if (body.signature_policy !== undefined) {
    const v = body.signature_policy;
    if (v !== SignaturePolicy.Accept && v !== SignaturePolicy.Require) problems.push({ field: 'signature_policy', message: 'must be "accept" or "require"' });
    else signaturePolicy = v;
  }

  const tagDeletion = parseTagDeletion(body.tag_deletion, base ? tagDeletionOf(base) : undefined, problems);

  let username = base?.externalRegistryUsername ?? null;
  const newUsername = nullableString(body.external_registry_username, 'external_registry_username', problems, (s) =>
    s.length > 255 || /[\s:]/.test(s) ? 'must be up to 255 characters without whitespace or ":"' : undefined,
  );
  if (newUsername !== undefined) username = newUsername;
  let password: PasswordChange = { action: 'keep' };
  const newPassword = nullableString(body.external_registry_password, 'external_registry_password', problems, (s) =>
    s.length > 4096 ? 'must be at most 4096 characters' : undefined,
  );
  if (newPassword === null) password = { action: 'clear' };
  else if (newPassword !== undefined) password = { action: 'set', plaintext: newPassword };
  if (username === null) {
    if (password.action === 'set') {
      problems.push({ field: 'external_registry_password', message: 'needs external_registry_username' });
    } else if (hasStoredPassword) {
      password = { action: 'clear' };
    }
  }

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    password,
    ignored,
    draft: {
      namespace: target.namespace,
      repository: target.repository,
      isEnabled,
      externalReference,
      externalRegistryUsername: username,
      robotUsername,
      tagRule: tagRule ?? base?.tagRule ?? { include: [], exclude: [] },
      syncStartDate,
      syncInterval,
      externalRegistryConfig,
      architectureFilter,
      skopeoTimeoutInterval,
      signaturePolicy,
      ...(tagDeletion ? { tagDeletion } : {}),
    },
  };
}

const MAX_DELETE = /^(\d{1,9})(%?)$/;

/**
 * Ferry's `tag_deletion: { enabled, max_delete }`: `max_delete` is a count (`10`, `"10"`) or a
 * percentage of the target's tags (`"25%"`), null for no cap. Fields left out keep their value;
 * a mirror that never set it deletes as Quay does (undefined is returned, so nothing is stored).
 */
function parseTagDeletion(input: unknown, base: TagDeletion | undefined, problems: FieldProblem[]): TagDeletion | undefined {
  if (input === undefined) return base;
  if (input === null) return undefined;
  if (typeof input !== 'object' || Array.isArray(input)) {
    problems.push({ field: 'tag_deletion', message: 'must be an object with enabled and max_delete' });
    return base;
  }
  const body = input as Record<string, unknown>;
  const result: TagDeletion = { ...(base ?? tagDeletionOf({})) };
  for (const key of Object.keys(body)) {
    if (key !== 'enabled' && key !== 'max_delete') problems.push({ field: `tag_deletion.${key}`, message: 'is not a field of tag_deletion' });
  }
  if (body.enabled !== undefined) {
    if (typeof body.enabled !== 'boolean') problems.push({ field: 'tag_deletion.enabled', message: 'must be true or false' });
    else result.enabled = body.enabled;
  }
  if (body.max_delete !== undefined) {
    const cap = parseDeleteCap(body.max_delete);
    if (cap === undefined) problems.push({ field: 'tag_deletion.max_delete', message: 'must be a count such as 10, a percentage such as "25%" (0 to 100), or null' });
    else result.maxDelete = cap;
  }
  return result;
}

function parseDeleteCap(value: unknown): DeleteCap | null | undefined {
  if (value === null) return null;
  const text = typeof value === 'number' && Number.isInteger(value) && value >= 0 ? String(value) : typeof value === 'string' ? value.trim() : undefined;
  const m = text === undefined ? null : MAX_DELETE.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (m[2] === '%') return n <= 100 ? { percent: n } : undefined;
  return { count: n };
}
