/** The API's answers the console reads (the fields it shows), as the OpenAPI document describes them. */
export interface User {
  username: string;
  super_user: boolean;
  organizations: { name: string; is_org_admin: boolean }[];
}

export interface MirrorSummary {
  external_reference: string;
  is_enabled: boolean;
  sync_status: string;
  last_sync: string | null;
  last_outcome: 'succeeded' | 'failed' | 'cancelled' | null;
  last_success: string | null;
  next_sync: string | null;
  consecutive_failures: number;
  failing: boolean;
  stale: boolean;
  error: ApiErrorView | null;
}

export interface RepositoryListItem {
  namespace: string;
  name: string;
  description: string;
  is_public: boolean;
  state: string;
  mirror: MirrorSummary | null;
}

export interface ApiErrorView {
  code: string;
  message: string | null;
}

export interface Progress {
  tags_done: number;
  tags_total: number;
  bytes_copied: number;
  bytes_total: number;
  bytes_per_second: number;
  eta_seconds: number | null;
  updated_at: string;
}

export interface Mirror {
  is_enabled: boolean;
  external_reference: string;
  external_registry_username: string | null;
  external_registry_password_set?: boolean;
  external_registry_config: { verify_tls: boolean; unsigned_images: boolean; proxy: { http_proxy: string | null; https_proxy: string | null; no_proxy: string | null } };
  sync_interval: number;
  sync_start_date: string | null;
  sync_expiration_date: string | null;
  sync_retries_remaining: number;
  sync_status: string;
  root_rule: { rule_kind: string; rule_value: string[] };
  /** Ferry's rule: glob, regex and semver selectors, excludes, keep newest N. */
  tag_rule?: { include: { kind: string }[]; exclude: { kind: string }[]; keep_newest: { count: number; by: string } | null };
  robot_username: string;
  tag_deletion: { enabled: boolean; max_delete: number | string | null };
  current_run_id: string | null;
  last_run_id: string | null;
  current_run_progress?: Progress | null;
}

export interface Run {
  run_id: string;
  trigger: string;
  status: 'scheduled' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  attempts: number;
  worker: string | null;
  scheduled_at: string;
  started_at: string | null;
  finished_at: string | null;
  tags_copied: number;
  tags_unchanged: number;
  tags_deleted: number;
  tags_failed: number;
  bytes_copied: number;
  target_checked: boolean | null;
  error: ApiErrorView | null;
  trace_id: string | null;
  progress: Progress | null;
}

export interface TagResult {
  tag: string;
  result: 'copied' | 'unchanged' | 'failed' | 'deleted' | 'rolled_back';
  digest: string | null;
  bytes_copied: number;
  error: ApiErrorView | null;
}

export interface RunDetail extends Run {
  tags: TagResult[];
}
