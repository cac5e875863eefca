import { z } from 'zod';
import { AVATAR, ISO_TIME } from './quay.schema';
import { responseSchema } from './response-schema';
import { TAG_VERIFICATION_VIEW } from './trust-policy.schema';

const ERROR = z.object({ code: z.string(), message: z.string().nullable() }).nullable();

/** A running run's live progress, as its worker last reported it (about once a second). */
export const RUN_PROGRESS_VIEW = responseSchema(
  'RunProgress',
  z.object({
    tags_done: z.number().int(),
    tags_total: z.number().int(),
    bytes_copied: z.number().int(),
    bytes_total: z.number().int().meta({ description: 'The bytes the run knows it must copy so far: it grows as manifests are read.' }),
    bytes_per_second: z.number().int().meta({ description: 'Over the last 10 seconds.' }),
    eta_seconds: z.number().int().nullable().meta({ description: 'Until the known bytes are copied at that rate; null while it cannot be told.' }),
    updated_at: ISO_TIME,
  }),
);
export type RunProgressView = z.output<typeof RUN_PROGRESS_VIEW>;

/** One sync run of a mirror (Ferry's; Quay has no run history). */
export const RUN_VIEW = responseSchema(
  'Run',
  z.object({
    run_id: z.string(),
    trigger: z.string().meta({ description: 'What started it: schedule, sync_now, retry...' }),
    status: z.enum(['scheduled', 'running', 'succeeded', 'failed', 'cancelled']),
    attempts: z.number().int(),
    worker: z.string().nullable().meta({ description: 'The sync-worker (`host/pid`) that last started it.' }),
    scheduled_at: ISO_TIME,
    started_at: ISO_TIME.nullable(),
    finished_at: ISO_TIME.nullable(),
    tags_matched: z.array(z.string()).nullable(),
    tags_copied: z.number().int(),
    tags_unchanged: z.number().int(),
    tags_deleted: z.number().int(),
    tags_failed: z.number().int(),
    bytes_copied: z.number().int(),
    target_checked: z.boolean().nullable(),
    error: ERROR,
    trace_id: z.string().nullable().meta({ description: "The OpenTelemetry trace of the run (its scheduling, the worker's run, tags, blobs and registry requests)." }),
    progress: RUN_PROGRESS_VIEW.nullable().meta({ description: 'While the run is in flight: its live progress.' }),
  }),
);
export type RunView = z.output<typeof RUN_VIEW>;

export const RUN_LIST = responseSchema('RunList', z.object({ runs: z.array(RUN_VIEW) }));
export type RunListView = z.output<typeof RUN_LIST>;

/** A run with each tag's result. */
export const RUN_DETAIL = responseSchema(
  'RunDetail',
  RUN_VIEW.extend({
    tags: z.array(
      z.object({
        tag: z.string(),
        result: z.enum(['copied', 'unchanged', 'failed', 'deleted', 'rolled_back']),
        digest: z.string().nullable(),
        bytes_copied: z.number().int(),
        error: ERROR,
      }),
    ),
  }),
);
export type RunDetailView = z.output<typeof RUN_DETAIL>;

/** The target's tag ledger: what the mirror last wrote to each tag. */
export const TAG_LEDGER = responseSchema(
  'TagLedger',
  z.object({
    tags: z.array(
      z.object({
        name: z.string(),
        manifest_digest: z.string(),
        media_type: z.string(),
        run_id: z.string(),
        last_modified: ISO_TIME,
        verification: TAG_VERIFICATION_VIEW.nullable().meta({ description: "Ferry's: the tag's last check against the mirror's trust policy (signature_policy verify); null when the mirror does not verify." }),
      }),
    ),
  }),
);
export type TagLedgerView = z.output<typeof TAG_LEDGER>;

/** Quay's usage logs of a mirror: every event of it and its runs, newest first; secrets shown only as "(sealed)". */
export const USAGE_LOGS = responseSchema(
  'UsageLogs',
  z.object({
    logs: z.array(
      z.object({
        kind: z.string(),
        datetime: ISO_TIME,
        correlation_id: z.string(),
        performer: z.object({ kind: z.string(), name: z.string(), is_robot: z.boolean(), token_id: z.string().optional(), avatar: AVATAR }).nullable(),
        metadata: z.unknown(),
        description: z.string().optional().meta({ description: 'Ferry\'s: what happened, in one sentence (the organization mirror\'s events).' }),
      }),
    ),
  }),
);
export type UsageLogEntry = z.output<typeof USAGE_LOGS>['logs'][number];
