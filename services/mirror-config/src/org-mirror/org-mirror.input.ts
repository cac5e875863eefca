import { z } from 'zod';
import { SIGNATURE_POLICY_BODY, TRUST_POLICY_BODY, trustPolicyChange } from '../mirror/trust-policy.input';
import {
  globTagRule,
  NAME_COMPONENT,
  QUAY_VANISHED_POLICY,
  robotNamespace,
  robotUsernameProblem,
  SignaturePolicy,
  SourceRegistryType,
  VanishedAction,
  Visibility,
  type OrgMirrorConfig,
  type RepositoryPattern,
  type VanishedPolicy,
} from '@ferry/contracts';
import { DEFAULT_REPOSITORY_NAME_TEMPLATE, MAX_REPOSITORY_PATTERNS, repositoryNameTemplateProblem, repositoryPatternProblem, type FieldProblem } from '@ferry/mirror';
import { isIpv6Literal } from '@ferry/net-guard';
import { inFieldOrder, unknownFields } from '../http/request-body';
import { problemsOf } from '../http/schema-problems';
import { TAG_RULE_BODY } from '../mirror/tag-rule.input';
import {
  ARCHITECTURE_FILTER,
  BOOLEAN,
  DEFAULT_REGISTRY_CONFIG,
  DELETE_CAP,
  deleteCap,
  EXTERNAL_REGISTRY_CONFIG,
  isQuayTime,
  none,
  READ_ONLY,
  REGISTRY_PASSWORD,
  REGISTRY_USERNAME,
  registryConfig,
  type PasswordChange,
} from '../mirror/mirror.input';
import { requestSchema } from '../http/operation';

/** A validated organization mirror, before its password is sealed. */
export type OrgMirrorDraft = Omit<OrgMirrorConfig, 'externalRegistryPassword'>;

export type OrgMirrorInputResult =
  /** `ignored`: fields the schema does not know (Quay's clients may send some); named in a `Warning`. */
  | { ok: true; draft: OrgMirrorDraft; password: PasswordChange; ignored: string[] }
  | { ok: false; problems: FieldProblem[] };

/** Quay's bounds. */
export const MIN_ORG_SYNC_INTERVAL_SECONDS = 60;
const MAX_SYNC_INTERVAL_SECONDS = 366 * 24 * 3600;
export const MIN_SKOPEO_TIMEOUT_SECONDS = 30;
export const MAX_SKOPEO_TIMEOUT_SECONDS = 3600;
export const DEFAULT_SKOPEO_TIMEOUT_SECONDS = 300;
/** Quay has no tag filter: every tag of every repository. */
export const ALL_TAGS = globTagRule(['*']);

const REGISTRY_TYPES = Object.values(SourceRegistryType) as [SourceRegistryType, ...SourceRegistryType[]];
const VISIBILITIES = Object.values(Visibility) as [Visibility, ...Visibility[]];
const VANISHED_ACTIONS = Object.values(VanishedAction) as [VanishedAction, ...VanishedAction[]];

// Quay's messages, as a field problem: the detail reads "<field> <message>", which is Quay's text.
const INTERVAL_MESSAGE = `must be at least ${MIN_ORG_SYNC_INTERVAL_SECONDS} seconds`;
const INTERVAL_TYPE_MESSAGE = `must be a whole number of seconds from ${MIN_ORG_SYNC_INTERVAL_SECONDS} to ${MAX_SYNC_INTERVAL_SECONDS}`;
const TIMEOUT_MESSAGE = `must be between ${MIN_SKOPEO_TIMEOUT_SECONDS} and ${MAX_SKOPEO_TIMEOUT_SECONDS} seconds`;
const START_MESSAGE = 'has an invalid format. Use ISO 8601: YYYY-MM-DDTHH:MM:SSZ';
const TYPE_MESSAGE = `must be one of ${REGISTRY_TYPES.join(', ')}`;
const URL_MESSAGE = 'must be the registry\'s URL, such as https://quay.io';
const NAMESPACE_MESSAGE = 'must be a string of at most 255 characters';
const FILTERS_MESSAGE = `must be a list of up to ${MAX_REPOSITORY_PATTERNS} glob patterns`;
const PATTERNS_MESSAGE = `must be a list of up to ${MAX_REPOSITORY_PATTERNS} patterns such as {"kind": "glob", "pattern": "team-*"}`;
const TEMPLATE_MESSAGE = 'must be a string such as "{repository}", or null for the default';
const VANISHED_MESSAGE = 'must be an object with action (keep, report or delete) and max_delete, or null';

/**
 * The problem with `external_registry_url`, if any: the registry's address, `http(s)://host[:port]`,
 * nothing else (the upstream namespace is `external_namespace`; credentials have their own fields).
 */
export function registryUrlProblem(value: string): string | undefined {
  if (value.length === 0 || value.length > 255) return 'must be 1 to 255 characters';
  if (/\s/.test(value) || !URL.canParse(value)) return URL_MESSAGE;
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `has the scheme "${url.protocol.slice(0, -1)}": only the http and https schemes are allowed`;
  if (url.username || url.password) return 'must not contain credentials; use external_registry_username and external_registry_password';
  if (url.pathname !== '/' || url.search || url.hash || value.includes('?') || value.includes('#')) return 'must be scheme://host[:port] only, without a path (the upstream namespace is external_namespace)';
  if (url.hostname.startsWith('[') && !isIpv6Literal(url.hostname.slice(1, -1))) return `has an invalid host "${url.hostname}"`;
  return undefined;
}

/** `https://Quay.IO/` as `https://quay.io`: the registry's origin, as every listing and copy uses it. */
export const registryOrigin = (value: string): string => new URL(value).origin;

/**
 * The problem with `external_namespace` for a source type: a distribution `_catalog` may list the
 * whole registry (`""`) or a path (`library`, `org/team`); the other APIs list one organization,
 * project or user.
 */
export function externalNamespaceProblem(type: SourceRegistryType, namespace: string): string | undefined {
  const components = namespace.split('/');
  if (type === SourceRegistryType.Distribution) {
    return namespace === '' || components.every((c) => NAME_COMPONENT.test(c)) ? undefined : 'must be "" (the whole registry) or a repository path such as "library" or "org/team"';
  }
  if (namespace === '') return `is required for a ${type} source (the ${type === SourceRegistryType.Harbor ? 'project' : 'organization or user'} to list)`;
  return NAME_COMPONENT.test(namespace) ? undefined : 'must be one lowercase name (letters and digits separated by . _ or -)';
}

/** A string that `problem` must find nothing wrong with. */
function checked(schema: z.ZodString, problem: (value: string) => string | undefined) {
  return schema.superRefine((value, ctx) => {
    const found = problem(value);
    if (found) ctx.addIssue({ code: 'custom', message: found });
  });
}

/** One of Ferry's repository patterns: `{ "kind": "glob" | "regex", "pattern": "..." }`. */
const REPOSITORY_PATTERN = z
  .strictObject(
    {
      kind: z.enum(['glob', 'regex'], { error: 'must be "glob" or "regex"' }),
      pattern: z.string({ error: 'must be a string' }),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? 'is not a field of a repository pattern' : 'must be an object with kind and pattern') },
  )
  .superRefine((pattern, ctx) => {
    const problem = repositoryPatternProblem(pattern);
    if (problem) ctx.addIssue({ code: 'custom', path: ['pattern'], message: problem });
  });
const PATTERNS = z.array(REPOSITORY_PATTERN, { error: PATTERNS_MESSAGE }).max(MAX_REPOSITORY_PATTERNS, { error: PATTERNS_MESSAGE });

/** Quay's `repository_filters`: globs over upstream repository names; empty (or null) for every one. */
const REPOSITORY_FILTERS = z
  .array(
    z.string({ error: 'must be a glob pattern' }).superRefine((pattern, ctx) => {
      const problem = repositoryPatternProblem({ kind: 'glob', pattern });
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    { error: FILTERS_MESSAGE },
  )
  .max(MAX_REPOSITORY_PATTERNS, { error: FILTERS_MESSAGE });

/** Ferry's `vanished`: what happens to a repository the upstream no longer lists; fields left out keep their value. */
const VANISHED = z.strictObject(
  {
    action: z.enum(VANISHED_ACTIONS, { error: `must be one of ${VANISHED_ACTIONS.join(', ')}` }).optional(),
    max_delete: DELETE_CAP.optional().meta({ description: 'Under delete: at most this many (a count, or "N%" of the organization mirror\'s repositories) per discovery; null for no cap.' }),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? 'is not a field of vanished' : VANISHED_MESSAGE) },
);

const TEMPLATE = checked(z.string({ error: TEMPLATE_MESSAGE }), (template) => repositoryNameTemplateProblem(template));

/**
 * Every field of an organization mirror body: Quay's (`CreateOrgMirrorConfig`), then Ferry's
 * beside them, then what GET shows (accepted and ignored), in the order problems are reported.
 * `required` (a POST): Quay's required fields must be present; a PUT's absent fields keep their values.
 */
function orgMirrorFields(required: boolean) {
  const error = (message: string) => ({ error: (issue: { input?: unknown }) => (required && issue.input == null ? 'is required' : message) });
  const need = <S extends z.ZodType>(schema: S) => (required ? schema : schema.optional());
  return {
    external_registry_type: need(z.enum(REGISTRY_TYPES, error(TYPE_MESSAGE))).meta({ description: 'Where the repositories are listed: Quay\'s quay and harbor, and Ferry\'s distribution (/v2/_catalog) and dockerhub. It cannot change.' }),
    external_registry_url: need(checked(z.string(error(URL_MESSAGE)), registryUrlProblem)).meta({ description: 'The source registry: `https://host[:port]` (or http://).' }),
    external_listing_url: checked(z.string(error(URL_MESSAGE)), registryUrlProblem)
      .nullable()
      .optional()
      .meta({ description: "Ferry's: where the repositories are listed when not at external_registry_url, e.g. another Ferry's API (type quay) whose registry has its own address. Null: the registry URL." }),
    external_namespace: need(z.string(error(NAMESPACE_MESSAGE)).max(255, { error: NAMESPACE_MESSAGE })).meta({ description: 'The upstream organization, project or user whose repositories are mirrored ("" for a whole distribution registry).' }),
    robot_username: need(checked(z.string(error('must name a robot as organization+name')), (v) => robotUsernameProblem(v))).meta({ description: 'The organization\'s robot that creates and pushes every discovered repository.' }),
    visibility: need(z.enum(VISIBILITIES, error(`must be one of ${VISIBILITIES.join(', ')}`))).meta({ description: 'The visibility each discovered repository is created with.' }),
    sync_interval: need(
      z.number(error(INTERVAL_TYPE_MESSAGE)).int({ error: INTERVAL_TYPE_MESSAGE }).min(MIN_ORG_SYNC_INTERVAL_SECONDS, { error: INTERVAL_MESSAGE }).max(MAX_SYNC_INTERVAL_SECONDS, { error: INTERVAL_TYPE_MESSAGE }),
    ).meta({ description: 'Seconds between discoveries, and between each repository\'s runs.' }),
    sync_start_date: need(checked(z.string(error(START_MESSAGE)), (v) => (isQuayTime(v) ? undefined : START_MESSAGE))).meta({ description: 'The first discovery, `YYYY-MM-DDTHH:MM:SSZ`.' }),
    is_enabled: BOOLEAN.optional(),
    external_registry_username: REGISTRY_USERNAME,
    external_registry_password: REGISTRY_PASSWORD,
    external_registry_config: EXTERNAL_REGISTRY_CONFIG.optional(),
    repository_filters: REPOSITORY_FILTERS.nullable().optional().meta({ description: 'Quay\'s globs over upstream repository names (fnmatch: * crosses /); empty for every repository.' }),
    skopeo_timeout: z
      .number({ error: TIMEOUT_MESSAGE })
      .int({ error: TIMEOUT_MESSAGE })
      .min(MIN_SKOPEO_TIMEOUT_SECONDS, { error: TIMEOUT_MESSAGE })
      .max(MAX_SKOPEO_TIMEOUT_SECONDS, { error: TIMEOUT_MESSAGE })
      .optional()
      .meta({ description: `Seconds one registry operation may take (default ${DEFAULT_SKOPEO_TIMEOUT_SECONDS}).` }),
    tag_rule: TAG_RULE_BODY.nullable().optional().meta({ description: 'Ferry\'s: which tags each repository mirrors, as a repository mirror\'s tag_rule; null or absent: every tag (Quay).' }),
    architecture_filter: ARCHITECTURE_FILTER.nullable().optional().meta({ description: 'Ferry\'s: the platforms copied (applied); empty for all.' }),
    include: PATTERNS.nullable().optional().meta({ description: 'Ferry\'s: only repositories one of these matches (glob or regex, over the upstream name); empty for all.' }),
    exclude: PATTERNS.nullable().optional().meta({ description: 'Ferry\'s: never repositories one of these matches.' }),
    repository_name_template: TEMPLATE.nullable().optional().meta({ description: `Ferry's: the target repository's name; null for the default, ${DEFAULT_REPOSITORY_NAME_TEMPLATE}.` }),
    signature_policy: SIGNATURE_POLICY_BODY.meta({ description: "Ferry's: every discovered repository's mirror follows it (accept, require, or verify with trust_policy)." }),
    trust_policy: TRUST_POLICY_BODY,
    vanished: VANISHED.nullable().optional().meta({ description: 'Ferry\'s: keep, report (Quay: marked SKIP, runs stop) or delete (at most max_delete a discovery) a repository the upstream no longer lists.' }),
    has_external_registry_password: READ_ONLY,
    sync_status: READ_ONLY,
    sync_expiration_date: READ_ONLY,
    sync_retries_remaining: READ_ONLY,
    repo_sync_status_counts: READ_ONLY,
    creation_date: READ_ONLY,
    current_discovery_id: READ_ONLY,
    last_discovery: READ_ONLY,
  };
}

const body = (required: boolean) => z.object(orgMirrorFields(required), { error: 'must be a JSON object' });

/** POST /organization/{org}/mirror: Quay's required fields. */
export const ORG_MIRROR_CREATE_BODY = requestSchema('CreateOrgMirrorRequest', body(true), { quay: true });
/** PUT /organization/{org}/mirror: any of the fields; absent ones keep their values. */
export const ORG_MIRROR_UPDATE_BODY = requestSchema('UpdateOrgMirrorRequest', body(false), { quay: true });

const FIELD_ORDER = Object.keys(orgMirrorFields(false));
/** Fields whose problem is the whole field's, not one of its members'. */
const WHOLE_FIELDS = new Set(['architecture_filter']);

type Fields = z.output<ReturnType<typeof body>>;

function vanishedPolicy(sent: Fields['vanished'], base: VanishedPolicy): VanishedPolicy {
  if (sent === undefined) return base;
  if (sent === null) return QUAY_VANISHED_POLICY;
  return { action: sent.action ?? base.action, maxDelete: sent.max_delete === undefined ? base.maxDelete : deleteCap(sent.max_delete) };
}

const patterns = (sent: RepositoryPattern[] | null | undefined, base: RepositoryPattern[]): RepositoryPattern[] => (sent === undefined ? base : (sent ?? []));

/**
 * Validates a Quay-shaped organization mirror body with its schema (`ORG_MIRROR_CREATE_BODY`
 * without `base`, a POST; `ORG_MIRROR_UPDATE_BODY` with it, a PUT, where absent fields keep
 * their stored values), then what only the organization mirror can say: its robot is of the
 * organization, its namespace suits its source type, the type never changes, a password has a
 * user name. Every problem is reported, each naming its field.
 */
export function parseOrgMirrorInput(input: unknown, organization: string, base: OrgMirrorDraft | null, hasStoredPassword = false): OrgMirrorInputResult {
  const schema = base === null ? ORG_MIRROR_CREATE_BODY : ORG_MIRROR_UPDATE_BODY;
  const parsed = schema.safeParse(input);
  const problems = parsed.success ? [] : problemsOf(parsed.error).map((p) => (WHOLE_FIELDS.has(p.field.split(/[.[]/)[0]!) ? { ...p, field: p.field.split(/[.[]/)[0]! } : p));
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, problems };
  const sent = input as Record<string, unknown>;
  const fine = (field: string) => !problems.some((p) => p.field === field || p.field.startsWith(`${field}.`) || p.field.startsWith(`${field}[`));

  if (fine('robot_username') && typeof sent.robot_username === 'string' && robotNamespace(sent.robot_username) !== organization) {
    problems.push({ field: 'robot_username', message: `Robot account must belong to the organization ${organization}` });
  }
  if (base !== null && fine('external_registry_type') && sent.external_registry_type !== undefined && sent.external_registry_type !== base.externalRegistryType) {
    problems.push({ field: 'external_registry_type', message: `cannot change (it is ${base.externalRegistryType}); delete the organization mirror and create it again` });
  }
  const type = (fine('external_registry_type') && typeof sent.external_registry_type === 'string' ? sent.external_registry_type : base?.externalRegistryType) as SourceRegistryType | undefined;
  const namespace = typeof sent.external_namespace === 'string' ? sent.external_namespace : undefined;
  if (type !== undefined && namespace !== undefined && fine('external_namespace')) {
    const problem = externalNamespaceProblem(type, namespace);
    if (problem) problems.push({ field: 'external_namespace', message: problem });
  }
  const username = sent.external_registry_username === undefined ? (base?.externalRegistryUsername ?? null) : none(sent.external_registry_username as string | null);
  if (username == null && typeof sent.external_registry_password === 'string' && sent.external_registry_password !== '' && fine('external_registry_username')) {
    problems.push({ field: 'external_registry_password', message: 'needs external_registry_username' });
  }
  const trust = parsed.success ? trustPolicyChange(parsed.data.signature_policy, parsed.data.trust_policy, base ? { signaturePolicy: base.signaturePolicy ?? SignaturePolicy.Accept, trustPolicy: base.trustPolicy } : null, fine('trust_policy')) : null;
  if (trust) problems.push(...trust.problems);
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
  return {
    ok: true,
    password,
    ignored: unknownFields(schema, input),
    draft: {
      organization,
      isEnabled: fields.is_enabled ?? base?.isEnabled ?? true,
      externalRegistryType: fields.external_registry_type ?? base!.externalRegistryType,
      externalRegistryUrl: fields.external_registry_url === undefined ? base!.externalRegistryUrl : registryOrigin(fields.external_registry_url),
      externalListingUrl: fields.external_listing_url === undefined ? (base?.externalListingUrl ?? null) : fields.external_listing_url === null ? null : registryOrigin(fields.external_listing_url),
      externalNamespace: fields.external_namespace ?? base!.externalNamespace,
      externalRegistryUsername: username ?? null,
      robotUsername: fields.robot_username ?? base!.robotUsername,
      visibility: fields.visibility ?? base!.visibility,
      syncInterval: fields.sync_interval ?? base!.syncInterval,
      syncStartDate: fields.sync_start_date === undefined ? base!.syncStartDate : new Date(fields.sync_start_date).toISOString(),
      externalRegistryConfig: registryConfig(fields.external_registry_config, base?.externalRegistryConfig ?? DEFAULT_REGISTRY_CONFIG),
      repositoryFilters: fields.repository_filters === undefined ? (base?.repositoryFilters ?? []) : (fields.repository_filters ?? []),
      include: patterns(fields.include, base?.include ?? []),
      exclude: patterns(fields.exclude, base?.exclude ?? []),
      repositoryNameTemplate: fields.repository_name_template === undefined ? (base?.repositoryNameTemplate ?? DEFAULT_REPOSITORY_NAME_TEMPLATE) : (fields.repository_name_template ?? DEFAULT_REPOSITORY_NAME_TEMPLATE),
      tagRule: fields.tag_rule === undefined ? (base?.tagRule ?? ALL_TAGS) : (fields.tag_rule ?? ALL_TAGS),
      architectureFilter: fields.architecture_filter === undefined ? (base?.architectureFilter ?? []) : [...new Set(fields.architecture_filter ?? [])],
      skopeoTimeout: fields.skopeo_timeout ?? base?.skopeoTimeout ?? DEFAULT_SKOPEO_TIMEOUT_SECONDS,
      vanished: vanishedPolicy(fields.vanished, base?.vanished ?? QUAY_VANISHED_POLICY),
      ...(fields.signature_policy ?? base?.signaturePolicy ? { signaturePolicy: fields.signature_policy ?? base!.signaturePolicy! } : {}),
      ...(trust?.trustPolicy ? { trustPolicy: trust.trustPolicy } : {}),
    },
  };
}
