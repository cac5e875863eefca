import { deleteCapView, signaturePolicyOf, tagDeletionOf } from '@ferry/contracts';
import { quayRootRule, tagRuleView } from '@ferry/mirror';
import type { MirrorRow } from '@ferry/read-models';

/** Quay writes times as `YYYY-MM-DDTHH:MM:SSZ`. */
export const quayTime = (date: Date | null): string | null => (date ? `${date.toISOString().slice(0, 19)}Z` : null);

/**
 * A mirror in the shape of Quay's GET .../mirror, so Quay's clients read it unchanged.
 * `sync_start_date` is the next scheduled start, as in Quay. Never includes the password.
 */
export function mirrorView(row: MirrorRow) {
  const config = row.externalRegistryConfig;
  return {
    is_enabled: row.isEnabled,
    mirror_type: 'PULL',
    external_reference: row.externalReference,
    external_registry_username: row.externalRegistryUsername,
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
    last_run_id: row.lastRunId,
  };
}

function tagDeletionView(row: MirrorRow) {
  const deletion = tagDeletionOf(row.state?.config ?? {});
  return { enabled: deletion.enabled, max_delete: deleteCapView(deletion.maxDelete) };
}
