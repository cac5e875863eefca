import { z } from 'zod';
import {
  NAME_COMPONENT,
  robotNamespace,
  robotUsernameProblem,
  SignaturePolicy,
  signaturePolicyOf,
  tagDeletionOf,
  type DeleteCap,
  type ExternalRegistryConfig,
  type MirrorConfig,
  type TagDeletion,
  type TagRule,
} from '@ferry/contracts';
import { quayRootRule, withGlobPatterns, type FieldProblem } from '@ferry/mirror';
import { isIpv6Literal } from '@ferry/net-guard';
import { inFieldOrder, unknownFields } from '../http/request-body';
import { problemsOf } from '../http/schema-problems';
import { ROOT_RULE_BODY, TAG_RULE_BODY } from './tag-rule.input';
import { SIGNATURE_POLICY_BODY, TRUST_POLICY_BODY, trustPolicyChange } from './trust-policy.input';
import { requestSchema } from '../http/operation';

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

const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[^\]]*\])(?::[0-9]{1,5})?$/;
const START_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const PLATFORM = /^[a-z0-9_]+(?:\/[a-z0-9_]+){0,2}$/;
const MAX_DELETE = /^(\d{1,9})(%?)$/;

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

function proxyUrlProblem(value: string): string | undefined {
  if (value === '') return undefined;
  if (!URL.canParse(value)) return 'must be a URL';
  const url = new URL(value);
  return url.protocol !== 'http:' && url.protocol !== 'https:' ? 'must be an http:// or https:// URL' : undefined;
}

/** A Quay time, `YYYY-MM-DDTHH:MM:SSZ`, that names a real instant (no 25:00, no February 30th). */
export function isQuayTime(value: string): boolean {
  return START_DATE.test(value) && !Number.isNaN(Date.parse(value)) && new Date(value).toISOString().slice(0, 19) === value.slice(0, 19);
}

/** A string that `problem` must find nothing wrong with. */
function checked(schema: z.ZodString, problem: (value: string) => string | undefined) {
  return schema.superRefine((value, ctx) => {
    const found = problem(value);
    if (found) ctx.addIssue({ code: 'custom', message: found });
  });
}

/** Quay's "none": null, or an empty string. */
export const clearable = (schema: z.ZodType<string>) => schema.nullable().optional();
const OR_NULL = 'must be a string or null';
const USERNAME_MESSAGE = 'must be up to 255 characters without whitespace or ":"';
const START_MESSAGE = 'must be a UTC time as YYYY-MM-DDTHH:MM:SSZ';
const INTERVAL_MESSAGE = `must be a whole number of seconds from ${MIN_SYNC_INTERVAL_SECONDS} to ${MAX_SYNC_INTERVAL_SECONDS}`;
const TIMEOUT_MESSAGE = `must be a whole number of seconds from ${MIN_TIMEOUT_SECONDS} to ${MAX_TIMEOUT_SECONDS}`;
const PLATFORMS_MESSAGE = 'must be a list of up to 16 platforms such as "amd64" or "linux/arm64/v8"';
export const DELETE_CAP_MESSAGE = 'must be a count such as 10, a percentage such as "25%" (0 to 100), or null';
export const BOOLEAN = z.boolean({ error: 'must be true or false' });
const PROXY_URL = clearable(checked(z.string({ error: OR_NULL }), proxyUrlProblem).meta({ description: 'An http:// or https:// URL; null or "" for none.' }));
/** Fields GET returns; accepted and ignored so a client can PUT back what it read. */
export const READ_ONLY = z.unknown().optional().meta({ description: 'Read-only (GET shows it); accepted and ignored, so a client can PUT back what it read.' });

/** `max_delete`: a count (`10`, `"10"`), or a percentage of the target's tags (`"25%"`); null for no cap. */
export const DELETE_CAP = z
  .union([z.number().int().min(0).max(999_999_999), z.string().trim().regex(MAX_DELETE)], { error: DELETE_CAP_MESSAGE })
  .refine((value) => typeof value === 'number' || !value.endsWith('%') || Number(value.slice(0, -1)) <= 100, { error: DELETE_CAP_MESSAGE })
  .nullable();

/** Ferry's platform filter: `amd64`, `linux/arm64/v8`; empty (or null) for every platform. */
export const ARCHITECTURE_FILTER = z.array(z.string({ error: PLATFORMS_MESSAGE }).regex(PLATFORM, { error: PLATFORMS_MESSAGE }), { error: PLATFORMS_MESSAGE }).max(16, { error: PLATFORMS_MESSAGE });

/** Quay's `external_registry_config`: TLS and the proxies; fields left out keep their value (`registryConfig`). */
export const EXTERNAL_REGISTRY_CONFIG = z.object(
  {
    verify_tls: BOOLEAN.optional(),
    unsigned_images: BOOLEAN.optional(),
    proxy: z
      .object(
        {
          http_proxy: PROXY_URL,
          https_proxy: PROXY_URL,
          no_proxy: clearable(checked(z.string({ error: OR_NULL }), (s) => (/\s/.test(s.replaceAll(', ', ',')) ? 'must be a comma-separated host list' : undefined))),
        },
        { error: 'must be an object' },
      )
      .nullable()
      .optional(),
  },
  { error: 'must be an object' },
);

/** The upstream's credentials, as Quay takes them: null or "" for none; the password is write-only. */
export const REGISTRY_USERNAME = clearable(z.string({ error: OR_NULL }).max(255, { error: USERNAME_MESSAGE, abort: true }).regex(/^[^\s:]*$/, { error: USERNAME_MESSAGE }));
export const REGISTRY_PASSWORD = clearable(z.string({ error: OR_NULL }).max(4096, { error: 'must be at most 4096 characters' })).meta({ description: 'Write-only: never shown. null or "" clears it.' });

/**
 * Every field of a mirror body, in Quay's shape (plus Ferry's `tag_rule`, `signature_policy` and
 * `tag_deletion`), in the order problems are reported. `required` (a POST): Quay's required
 * fields must be present; without it (a PUT) absent fields keep their stored values.
 */
function mirrorFields(required: boolean) {
  /** A POST's required field is "required" when absent or null; a PUT's may be left out. */
  const error = (message: string) => ({ error: (issue: { input?: unknown }) => (required && issue.input == null ? 'is required' : message) });
  const need = <S extends z.ZodType>(schema: S) => (required ? schema : schema.optional());
  return {
    is_enabled: BOOLEAN.optional(),
    external_reference: need(checked(z.string(error('must be a string')), externalReferenceProblem).meta({ description: '`host[:port]/repository` of the upstream: no scheme, tag or credentials.' })),
    robot_username: need(checked(z.string(error('must name a robot as namespace+name')), (v) => robotUsernameProblem(v)).meta({ description: 'The robot (`namespace+name`, of this repository\'s organization) that writes the target.' })),
    root_rule: ROOT_RULE_BODY.nullable().optional().meta({ description: 'Quay\'s rule: the tag patterns to mirror (the globs of `tag_rule`). A POST needs it or `tag_rule`.' }),
    tag_rule: TAG_RULE_BODY.nullable().optional().meta({ description: 'Ferry\'s rule: glob, regex and semver selectors to include and exclude, and keep_newest.' }),
    sync_start_date: need(checked(z.string(error(START_MESSAGE)).regex(START_DATE, { error: START_MESSAGE, abort: true }), (v) => (isQuayTime(v) ? undefined : START_MESSAGE))),
    sync_interval: need(z.number(error(INTERVAL_MESSAGE)).int({ error: INTERVAL_MESSAGE }).min(MIN_SYNC_INTERVAL_SECONDS, { error: INTERVAL_MESSAGE }).max(MAX_SYNC_INTERVAL_SECONDS, { error: INTERVAL_MESSAGE })),
    skopeo_timeout_interval: z.number({ error: TIMEOUT_MESSAGE }).int({ error: TIMEOUT_MESSAGE }).min(MIN_TIMEOUT_SECONDS, { error: TIMEOUT_MESSAGE }).max(MAX_TIMEOUT_SECONDS, { error: TIMEOUT_MESSAGE }).optional(),
    architecture_filter: ARCHITECTURE_FILTER.nullable().optional(),
    external_registry_config: EXTERNAL_REGISTRY_CONFIG.optional(),
    signature_policy: SIGNATURE_POLICY_BODY,
    trust_policy: TRUST_POLICY_BODY,
    tag_deletion: z
      .strictObject(
        { enabled: BOOLEAN.optional(), max_delete: DELETE_CAP.optional() },
        { error: (issue) => (issue.code === 'unrecognized_keys' ? 'is not a field of tag_deletion' : 'must be an object with enabled and max_delete') },
      )
      .nullable()
      .optional()
      .meta({ description: 'Whether tags that stop matching are deleted from the target (Quay: yes, uncapped), and at most how many per run; null: Quay\'s behaviour.' }),
    external_registry_username: REGISTRY_USERNAME,
    external_registry_password: REGISTRY_PASSWORD,
    sync_status: READ_ONLY,
    sync_expiration_date: READ_ONLY,
    sync_retries_remaining: READ_ONLY,
    mirror_type: READ_ONLY,
  };
}

const body = (required: boolean) => z.object(mirrorFields(required), { error: 'must be a JSON object' });

/** POST .../mirror: Quay's required fields (and `root_rule` or Ferry's `tag_rule`). */
export const MIRROR_CREATE_BODY = requestSchema('CreateMirrorRequest', body(true), { quay: true });
/** PUT .../mirror (and a preview's unsaved changes): any of the fields; absent ones keep their values. */
export const MIRROR_UPDATE_BODY = requestSchema('UpdateMirrorRequest', body(false), { quay: true });

const FIELD_ORDER = Object.keys(mirrorFields(false));
/** Fields whose problem is the whole field's, not one of its members'. */
const WHOLE_FIELDS = new Set(['architecture_filter']);

/**
 * Quay's defaults. `unsigned_images: false` leaves unsigned images to the signature policy, whose
 * default (`accept`) copies them, as Quay does.
 */
export const DEFAULT_REGISTRY_CONFIG: ExternalRegistryConfig = {
  verifyTls: true,
  unsignedImages: false,
  proxy: { httpProxy: null, httpsProxy: null, noProxy: null },
};

type Fields = z.output<ReturnType<typeof body>>;
/** Quay's "none" read: undefined when not sent, null for null or "". */
export const none = (value: string | null | undefined) => (value === undefined ? undefined : value === '' ? null : value);

/** A sent `external_registry_config` over the stored one: what is left out keeps its value. */
export function registryConfig(sent: z.output<typeof EXTERNAL_REGISTRY_CONFIG> | undefined, base: ExternalRegistryConfig): ExternalRegistryConfig {
  if (sent === undefined) return base;
  const result: ExternalRegistryConfig = { ...base, proxy: { ...base.proxy } };
  if (sent.verify_tls !== undefined) result.verifyTls = sent.verify_tls;
  if (sent.unsigned_images !== undefined) result.unsignedImages = sent.unsigned_images;
  if (sent.proxy) {
    const [http, https, noProxy] = [none(sent.proxy.http_proxy), none(sent.proxy.https_proxy), none(sent.proxy.no_proxy)];
    if (http !== undefined) result.proxy.httpProxy = http;
    if (https !== undefined) result.proxy.httpsProxy = https;
    if (noProxy !== undefined) result.proxy.noProxy = noProxy;
  }
  return result;
}

/** A `max_delete` as `DELETE_CAP` read it: a count, a percentage, or null for no cap. */
export function deleteCap(value: number | string | null): DeleteCap | null {
  if (value === null) return null;
  const [, n, percent] = MAX_DELETE.exec(String(value).trim())!;
  return percent ? { percent: Number(n) } : { count: Number(n) };
}

/**
 * Ferry's `tag_deletion`: fields left out keep their value; null (or a mirror that never set it)
 * deletes as Quay does (undefined: nothing is stored).
 */
function tagDeletion(sent: Fields['tag_deletion'], base: TagDeletion | undefined): TagDeletion | undefined {
  if (sent === undefined) return base;
  if (sent === null) return undefined;
  const result: TagDeletion = { ...(base ?? tagDeletionOf({})) };
  if (sent.enabled !== undefined) result.enabled = sent.enabled;
  if (sent.max_delete !== undefined) result.maxDelete = deleteCap(sent.max_delete);
  return result;
}

/**
 * The tag rule of a body: Ferry's `tag_rule`, and Quay's `root_rule`, which sets the rule's glob
 * includes and leaves the rest. A `root_rule` sent back unchanged beside a new `tag_rule` (a
 * client that read both) says nothing.
 */
function tagRule(fields: Fields, base: TagRule | undefined): TagRule | undefined {
  const root = fields.root_rule ?? undefined;
  const rich = fields.tag_rule ?? undefined;
  const rule = rich ?? base;
  const same = (r: TagRule | undefined) => r !== undefined && root !== undefined && JSON.stringify(root) === JSON.stringify(quayRootRule(r).rule_value);
  if (root === undefined || (rich !== undefined && (same(base) || same(rich)))) return rule;
  return withGlobPatterns(rule ?? { include: [], exclude: [] }, root);
}

/**
 * Validates a Quay-shaped mirror body with its schema (`MIRROR_CREATE_BODY` without `base`, a
 * POST; `MIRROR_UPDATE_BODY` with it, a PUT, where absent fields keep their stored values), then
 * what only the mirror can say: its robot is of its organization, it has a tag rule, a password
 * has a user name. Every problem is reported, each naming its field, so a client can fix them all at once.
 */
export function parseMirrorInput(
  input: unknown,
  target: { namespace: string; repository: string },
  base: MirrorDraft | null,
  hasStoredPassword = false,
): MirrorInputResult {
  const schema = base === null ? MIRROR_CREATE_BODY : MIRROR_UPDATE_BODY;
  const parsed = schema.safeParse(input);
  const problems = parsed.success ? [] : problemsOf(parsed.error).map((p) => (WHOLE_FIELDS.has(p.field.split(/[.[]/)[0]!) ? { ...p, field: p.field.split(/[.[]/)[0]! } : p));
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, problems };
  const sent = input as Record<string, unknown>;
  const fine = (field: string) => !problems.some((p) => p.field === field || p.field.startsWith(`${field}.`) || p.field.startsWith(`${field}[`));

  if (fine('robot_username') && typeof sent.robot_username === 'string' && robotNamespace(sent.robot_username) !== target.namespace) {
    problems.push({ field: 'robot_username', message: `must be a robot of the organization ${target.namespace}` });
  }
  if (base === null && sent.root_rule == null && sent.tag_rule == null) problems.push({ field: 'root_rule', message: 'is required (or Ferry\'s tag_rule)' });
  const username = sent.external_registry_username === undefined ? (base?.externalRegistryUsername ?? null) : none(sent.external_registry_username as string | null);
  if (username == null && typeof sent.external_registry_password === 'string' && sent.external_registry_password !== '' && fine('external_registry_username')) {
    problems.push({ field: 'external_registry_password', message: 'needs external_registry_username' });
  }
  const trust = parsed.success ? trustPolicyChange(parsed.data.signature_policy, parsed.data.trust_policy, base ? { signaturePolicy: signaturePolicyOf(base), trustPolicy: base.trustPolicy } : null, fine('trust_policy')) : null;
  if (trust) problems.push(...trust.problems);
  const trustPolicy = trust?.trustPolicy;
  if (problems.length > 0 || !parsed.success) return { ok: false, problems: inFieldOrder(problems, FIELD_ORDER) };

  const fields = parsed.data;
  const password: PasswordChange =
    fields.external_registry_password === undefined
      ? username === null && hasStoredPassword
        ? { action: 'clear' }
        : { action: 'keep' }
      : none(fields.external_registry_password) === null
        ? { action: 'clear' }
        : { action: 'set', plaintext: fields.external_registry_password! };
  const deletion = tagDeletion(fields.tag_deletion, base ? tagDeletionOf(base) : undefined);
  return {
    ok: true,
    password,
    ignored: unknownFields(schema, input),
    draft: {
      namespace: target.namespace,
      repository: target.repository,
      isEnabled: fields.is_enabled ?? base?.isEnabled ?? true,
      externalReference: fields.external_reference ?? base?.externalReference ?? '',
      externalRegistryUsername: username ?? null,
      robotUsername: fields.robot_username ?? base?.robotUsername ?? '',
      tagRule: tagRule(fields, base?.tagRule) ?? { include: [], exclude: [] },
      syncStartDate: fields.sync_start_date === undefined ? (base?.syncStartDate ?? '') : new Date(fields.sync_start_date).toISOString(),
      syncInterval: fields.sync_interval ?? base?.syncInterval ?? 0,
      externalRegistryConfig: registryConfig(fields.external_registry_config, base?.externalRegistryConfig ?? DEFAULT_REGISTRY_CONFIG),
      architectureFilter: fields.architecture_filter === undefined ? (base?.architectureFilter ?? []) : [...new Set(fields.architecture_filter ?? [])],
      skopeoTimeoutInterval: fields.skopeo_timeout_interval ?? base?.skopeoTimeoutInterval ?? MIN_TIMEOUT_SECONDS,
      signaturePolicy: fields.signature_policy ?? (base ? signaturePolicyOf(base) : SignaturePolicy.Accept),
      ...(deletion ? { tagDeletion: deletion } : {}),
      ...(trustPolicy ? { trustPolicy } : {}),
    },
  };
}
