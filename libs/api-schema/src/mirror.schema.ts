import { z } from 'zod';
import { MirrorStatus, SignaturePolicy, TAG_RULE_KIND } from '@ferry/contracts';
import { QUAY_TIME } from './quay.schema';
import { responseSchema } from './response-schema';
import { RUN_PROGRESS_VIEW } from './run.schema';
import { TAG_RULE_VIEW } from './tag-rule.schema';
import { TRUST_POLICY_VIEW } from './trust-policy.schema';

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
    signature_policy: z.enum([SignaturePolicy.Accept, SignaturePolicy.Require, SignaturePolicy.RequireSignature, SignaturePolicy.Verify]),
    trust_policy: TRUST_POLICY_VIEW.nullable().meta({ description: "Ferry's: with signature_policy verify, whose signatures a tag needs before it is published." }),
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
