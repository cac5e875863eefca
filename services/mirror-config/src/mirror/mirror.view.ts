import { z } from 'zod';
import { deleteCapView, MirrorStatus, SignaturePolicy, signaturePolicyOf, TAG_RULE_KIND, tagDeletionOf } from '@ferry/contracts';
import { KEEP_NEWEST_BY, quayRootRule, tagRuleView } from '@ferry/mirror';
import type { MirrorRow } from '@ferry/read-models';
import type { RunProgress } from '@ferry/run-progress';
import { responseSchema } from '../openapi/operation';
import { progressView, RUN_PROGRESS_VIEW } from '../runs/run.view';
import { KEEP_NEWEST_DESCRIPTION, SELECTOR_BODY } from './tag-rule.input';

/** A rule as the API shows it (`tagRuleView`): the selectors as they are written, keep_newest or null. */
export const TAG_RULE_VIEW = z.object({
  include: z.array(SELECTOR_BODY),
  exclude: z.array(SELECTOR_BODY),
  keep_newest: z.object({ count: z.number().int(), by: z.enum(KEEP_NEWEST_BY) }).nullable().meta({ description: KEEP_NEWEST_DESCRIPTION }),
});

const QUAY_TIME = z.string().nullable().meta({ description: 'UTC, as Quay writes it: `YYYY-MM-DDTHH:MM:SSZ`' });

/** Quay's mirror view, plus Ferry's fields (`tag_rule`, `signature_policy`, `tag_deletion`, the run ids); never the password. */
export const MIRROR_VIEW = responseSchema(
  'Mirror',
  z.object({
    is_enabled: z.boolean(),
    mirror_type: z.literal('PULL'),
    external_reference: z.string(),
    external_registry_username: z.string().nullable(),
    external_registry_password_set: z.boolean().meta({ description: 'An upstream password is set (Ferry\'s; the password itself is write-only and never shown).' }),
    external_registry_config: z.object({
      verify_tls: z.boolean(),
      unsigned_images: z.boolean(),
      proxy: z.object({ http_proxy: z.string().nullable(), https_proxy: z.string().nullable(), no_proxy: z.string().nullable() }),
    }),
    sync_interval: z.number().int(),
    sync_start_date: QUAY_TIME.meta({ description: 'The next scheduled start, as in Quay.' }),
    sync_expiration_date: QUAY_TIME,
    sync_retries_remaining: z.number().int(),
    sync_status: z.enum(Object.values(MirrorStatus) as [MirrorStatus, ...MirrorStatus[]]),
    root_rule: z.object({ rule_kind: z.literal(TAG_RULE_KIND), rule_value: z.array(z.string()) }).meta({ description: 'The globs of tag_rule, for Quay\'s clients.' }),
    tag_rule: TAG_RULE_VIEW,
    robot_username: z.string(),
    architecture_filter: z.array(z.string()),
    skopeo_timeout_interval: z.number().int(),
    signature_policy: z.enum([SignaturePolicy.Accept, SignaturePolicy.Require]),
    tag_deletion: z.object({ enabled: z.boolean(), max_delete: z.union([z.number().int(), z.string()]).nullable() }),
    current_run_id: z.string().nullable(),
    current_run_progress: RUN_PROGRESS_VIEW.nullable().meta({ description: "Ferry's: the live progress of the run in flight, as its worker last reported it." }),
    last_run_id: z.string().nullable(),
    org_mirror: z
      .object({ organization: z.string(), upstream_repository: z.string() })
      .nullable()
      .meta({ description: 'Ferry\'s: set when an organization mirror discovered this repository and manages its mirror (its settings follow the organization mirror\'s; change them there).' }),
  }),
);
export type MirrorView = z.output<typeof MIRROR_VIEW>;

/** Quay writes times as `YYYY-MM-DDTHH:MM:SSZ`. */
export const quayTime = (date: Date | null): string | null => (date ? `${date.toISOString().slice(0, 19)}Z` : null);

/**
 * A mirror in the shape of Quay's GET .../mirror, so Quay's clients read it unchanged.
 * `sync_start_date` is the next scheduled start, as in Quay. Never includes the password.
 */
export function mirrorView(row: MirrorRow, progress: RunProgress | null = null): MirrorView {
  const config = row.externalRegistryConfig;
  return {
    is_enabled: row.isEnabled,
    mirror_type: 'PULL' as const,
    external_reference: row.externalReference,
    external_registry_username: row.externalRegistryUsername,
    external_registry_password_set: row.hasPassword,
    external_registry_config: {
      verify_tls: config.verifyTls,
      unsigned_images: config.unsignedImages,
      proxy: { http_proxy: config.proxy.httpProxy, https_proxy: config.proxy.httpsProxy, no_proxy: config.proxy.noProxy },
    },
    sync_interval: row.syncInterval,
    sync_start_date: quayTime(row.nextSyncAt ?? row.syncStartDate),
    sync_expiration_date: quayTime(row.syncExpirationDate),
    sync_retries_remaining: row.syncRetriesRemaining,
    sync_status: row.syncStatus,
    // Quay's clients read the rule's globs; Ferry's `tag_rule` holds all of it.
    root_rule: quayRootRule(row.tagRule),
    tag_rule: tagRuleView(row.tagRule),
    robot_username: row.robotUsername,
    architecture_filter: row.architectureFilter,
    skopeo_timeout_interval: row.skopeoTimeoutInterval,
    // Ferry's: whether unsigned images are refused when `unsigned_images` is false.
    signature_policy: signaturePolicyOf({ signaturePolicy: row.state?.config?.signaturePolicy, externalRegistryConfig: config }),
    // Ferry's: whether tags that stop matching are deleted, and the cap per run.
    tag_deletion: tagDeletionView(row),
    current_run_id: row.currentRunId,
    current_run_progress: progress && progress.runId === row.currentRunId ? progressView(progress) : null,
    last_run_id: row.lastRunId,
    org_mirror: orgMirrorOf(row),
  };
}

function orgMirrorOf(row: MirrorRow): MirrorView['org_mirror'] {
  const link = row.state?.config?.orgMirror;
  return link ? { organization: link.organization, upstream_repository: link.upstream } : null;
}

function tagDeletionView(row: MirrorRow) {
  const deletion = tagDeletionOf(row.state?.config ?? {});
  return { enabled: deletion.enabled, max_delete: deleteCapView(deletion.maxDelete) };
}
