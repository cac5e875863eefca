import { deleteCapView, signaturePolicyOf, tagDeletionOf } from '@ferry/contracts';
import type { MirrorView } from '@ferry/api-schema';
import { quayRootRule, tagRuleView } from '@ferry/mirror';
import { trustPolicyView } from '@ferry/trust-policy';
import type { MirrorRow } from '@ferry/read-models';
import type { RunProgress } from '@ferry/run-progress';
import { progressView } from '../runs/run.view';

// The schemas of these answers are `@ferry/api-schema`'s, which the console and the CLI read too.
export { MIRROR_VIEW, type MirrorView } from '@ferry/api-schema';

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
    // Ferry's: with `verify`, the keys and identities a tag's signatures must come from.
    trust_policy: row.state?.config?.trustPolicy ? trustPolicyView(row.state.config.trustPolicy) : null,
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
